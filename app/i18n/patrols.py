"""Messages of the patrols screens (zh default, en); merged into the catalogs by app.i18n."""

ZH: dict[str, str] = {}

EN: dict[str, str] = {}
