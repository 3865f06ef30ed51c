"""Grid planning (desk): grids against the band, households to grids, butler, leave cover, poster."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.grid_planning import GridPlanningState as S
from app.ui.components.cards import band_badge, data_table, empty, section
from app.ui.components.shell import desk_shell
from app.ui.texts import T

UPLOAD_ID = "butler-photo"


def _note(where: str) -> rx.Component:
    """The outcome of the last action, next to the form it came from."""
    return rx.cond(
        (S.note_at == where) & (S.note != ""),
        rx.callout(
            S.note,
            icon=rx.cond(S.note_ok, "circle-check", "triangle-alert"),
            color_scheme=rx.cond(S.note_ok, "green", "red"),
            id=f"note-{where}",
            class_name="gp-note",
            width="100%",
            size="1",
        ),
    )


def _field(label_key: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(T[label_key], size="2", weight="medium"), control, spacing="1", width="100%")


def _num(name: str, input_id: str, placeholder: rx.Var | str = "") -> rx.Component:
    return rx.input(name=name, id=input_id, type="number", min=1, max=999, input_mode="numeric",
                    placeholder=placeholder, size="3", width="100%")


def _building_select(value: rx.Var, on_change, select_id: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=T["gp.building"], width="100%", id=select_id),
        rx.select.content(rx.foreach(S.buildings, lambda b: rx.select.item(b.name, value=b.id))),
        value=value,
        on_change=on_change,
        size="3",
    )


def _staff_select(value: rx.Var, on_change, select_id: str, placeholder_key: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=T[placeholder_key], width="100%", id=select_id),
        rx.select.content(
            rx.foreach(
                S.staff_options,
                lambda s: rx.select.item(
                    rx.cond(s.grid != "", s.name + " · " + s.grid, s.name), value=s.id
                ),
            )
        ),
        value=value,
        on_change=on_change,
        size="3",
    )


def _grid_row(g) -> rx.Component:
    chosen = S.selected == g.id
    return rx.table.row(
        rx.table.cell(
            rx.button(
                g.name, size="2", variant=rx.cond(chosen, "solid", "soft"),
                on_click=S.select(g.id), class_name="gp-select", white_space="nowrap",
            ),
            class_name="gp-grid-name",
        ),
        rx.table.cell(g.households, class_name="gp-households"),
        rx.table.cell(band_badge(g.state), white_space="nowrap"),
        rx.table.cell(g.butler, white_space="nowrap"),
        class_name="gp-grid-row",
        data_grid=g.name,
        data_flagged=rx.cond(g.flagged, "1", ""),
        background=rx.cond(chosen, "var(--accent-a3)", "transparent"),
        align="center",
    )


def _grids_table() -> rx.Component:
    return section(
        T["gp.grids"],
        rx.text(T["grid.band"], size="1", color_scheme="gray"),
        data_table(
            [
                rx.table.column_header_cell(T["field.grid"], white_space="nowrap"),
                rx.table.column_header_cell(T["gp.households"], white_space="nowrap"),
                "",
                rx.table.column_header_cell(T["grid.butler"], white_space="nowrap"),
            ],
            rx.foreach(S.grids, _grid_row),
            size="1",
        ),
    )


def _assign_form() -> rx.Component:
    return section(
        T["gp.assign"],
        rx.form(
            rx.vstack(
                _field("gp.building", _building_select(S.assign_building, S.set_assign_building, "assign-building")),
                rx.grid(
                    _field("gp.entrance", _num("entrance", "assign-entrance", T["gp.entrance_all"])),
                    _field("gp.floor_from", _num("floor_from", "assign-from")),
                    _field("gp.floor_to", _num("floor_to", "assign-to")),
                    columns="3",
                    gap="2",
                    width="100%",
                ),
                rx.button(rx.icon("arrow-right-left"), T["gp.assign_go"], type="submit", size="3", id="assign-go"),
                _note("assign"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.assign,
            reset_on_submit=False,
        ),
    )


def _move_form() -> rx.Component:
    return section(
        T["gp.move_one"],
        rx.form(
            rx.vstack(
                rx.grid(
                    _field("gp.building", _building_select(S.move_building, S.set_move_building, "move-building")),
                    _field("gp.entrance", _num("entrance", "move-entrance")),
                    _field("field.room", rx.input(name="room", id="move-room", placeholder=T["gp.room"],
                                                  max_length=10, size="3", width="100%")),
                    columns=rx.breakpoints(initial="1", sm="3"),
                    gap="2",
                    width="100%",
                ),
                rx.button(T["gp.move_go"], type="submit", size="3", variant="soft", id="move-go"),
                _note("move"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.move_one,
            reset_on_submit=False,
        ),
    )


def _composition() -> rx.Component:
    return section(
        T["gp.composition"],
        rx.cond(
            S.composition.length() > 0,
            data_table(
                [T["gp.col_building"], T["gp.col_entrance"], T["gp.col_floors"], T["gp.col_households"]],
                rx.foreach(
                    S.composition,
                    lambda c: rx.table.row(
                        rx.table.cell(c.building),
                        rx.table.cell(c.entrance),
                        rx.table.cell(c.floors),
                        rx.table.cell(c.households),
                        class_name="gp-composition-row",
                    ),
                ),
                size="1",
            ),
            empty(T["common.none"]),
        ),
        id="composition",
    )


def _butler_form() -> rx.Component:
    return section(
        T["gp.butler"],
        rx.hstack(
            rx.cond(
                S.butler_photo_url != "",
                rx.image(src=S.butler_photo_url, width="72px", height="72px", border_radius="50%",
                         object_fit="cover", id="butler-photo-img"),
                rx.center(rx.icon("user", size=32, color="var(--gray-9)"), width="72px", height="72px",
                          border_radius="50%", background="var(--gray-a3)"),
            ),
            rx.vstack(
                rx.text(rx.cond(S.sel.butler != "", S.sel.butler, T["gp.butler_none"]),
                        weight="bold", size="4", id="current-butler"),
                rx.cond(S.sel.gold, rx.badge(T["gp.gold"], color_scheme="amber")),
                spacing="1",
            ),
            align="center",
            spacing="3",
        ),
        rx.flex(
            rx.box(_staff_select(S.butler_pick, S.set_butler_pick, "butler-pick", "gp.butler_pick"),
                   flex="1", min_width="200px"),
            rx.button(T["gp.butler_go"], size="3", variant="soft", on_click=S.set_butler, id="butler-go"),
            gap="2",
            wrap="wrap",
            width="100%",
        ),
        _note("butler"),
        rx.divider(),
        rx.text(T["gp.photo"], size="2", weight="medium"),
        rx.text(T["gp.photo_hint"], size="1", color_scheme="gray"),
        rx.flex(
            rx.upload(
                rx.button(rx.icon("image-up"), T["gp.photo_pick"], variant="outline", size="3", type="button"),
                id=UPLOAD_ID,
                accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
                max_files=1,
                multiple=False,
                border="none",
                padding="0",
            ),
            rx.text(rx.selected_files(UPLOAD_ID).join(", "), size="1", color_scheme="gray"),
            rx.button(
                T["gp.photo_upload"], size="3", id="photo-upload",
                on_click=S.upload_photo(rx.upload_files(upload_id=UPLOAD_ID)),
                disabled=S.butler_id == 0,
            ),
            gap="2",
            align="center",
            wrap="wrap",
        ),
        _note("photo"),
    )


def _cover_row(c) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.hstack(
                rx.text(c.deputy, weight="bold"),
                rx.badge(
                    T["gp.cover_status." + c.status],
                    color_scheme=rx.match(c.status, ("active", "green"), ("upcoming", "blue"), "gray"),
                ),
                align="center",
            ),
            rx.text(c.starts, " – ", c.ends, size="2"),
            rx.cond(c.reason != "", rx.text(c.reason, size="1", color_scheme="gray")),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(
            c.cancellable,
            rx.button(T["gp.cover_cancel"], size="2", variant="outline", color_scheme="red",
                      on_click=S.cancel_cover(c.id), class_name="cover-cancel"),
        ),
        align="center",
        width="100%",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a4)",
        class_name="cover-row",
        data_status=c.status,
    )


def _covers() -> rx.Component:
    return section(
        T["gp.covers"],
        rx.form(
            rx.vstack(
                _field("gp.deputy", _staff_select(S.deputy_pick, S.set_deputy_pick, "cover-deputy", "gp.deputy")),
                rx.grid(
                    _field("gp.from", rx.input(type="date", name="from", id="cover-from", size="3", width="100%")),
                    _field("gp.to", rx.input(type="date", name="to", id="cover-to", size="3", width="100%")),
                    columns="2",
                    gap="2",
                    width="100%",
                ),
                _field("gp.reason", rx.input(name="reason", id="cover-reason", max_length=120, size="3", width="100%")),
                rx.button(rx.icon("calendar-plus"), T["gp.cover_go"], type="submit", size="3", id="cover-go"),
                _note("cover"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.add_cover,
            reset_on_submit=False,
        ),
        rx.cond(
            S.covers.length() > 0,
            rx.vstack(rx.foreach(S.covers, _cover_row), spacing="0", width="100%"),
            empty(T["gp.covers_empty"]),
        ),
    )


def _poster() -> rx.Component:
    return section(
        T["gp.poster"],
        rx.flex(
            rx.link(
                rx.button(rx.icon("printer"), T["gp.print_pdf"], size="3"),
                href=S.poster_pdf_url, is_external=True, id="poster-pdf",
            ),
            rx.link(
                rx.button(rx.icon("eye"), T["gp.preview"], size="3", variant="soft"),
                href=S.poster_png_url, is_external=True, id="poster-preview",
            ),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(
                    rx.button(rx.icon("refresh-cw"), T["gp.rotate"], size="3", variant="outline",
                              color_scheme="orange", id="rotate-qr"),
                ),
                rx.alert_dialog.content(
                    rx.alert_dialog.title(T["gp.rotate"]),
                    rx.alert_dialog.description(T["gp.rotate_confirm"]),
                    rx.flex(
                        rx.alert_dialog.cancel(rx.button(T["common.cancel"], variant="soft", color_scheme="gray")),
                        rx.alert_dialog.action(
                            rx.button(T["gp.rotate_yes"], color_scheme="orange", on_click=S.rotate, id="rotate-yes")
                        ),
                        gap="3",
                        justify="end",
                        margin_top="16px",
                    ),
                    max_width="420px",
                ),
                open=S.rotate_open,
                on_open_change=S.set_rotate_open,
            ),
            gap="2",
            wrap="wrap",
        ),
        rx.text(T["gp.version"], ": ", S.poster_version, size="1", color_scheme="gray", id="poster-version"),
        rx.vstack(
            rx.text(T["gp.resident_url"], size="2", weight="medium"),
            rx.link(S.resident_url, href=S.resident_url, is_external=True, id="resident-url",
                    size="1", word_break="break-all"),
            spacing="1",
            width="100%",
        ),
        _note("poster"),
    )


def grid_planning_page() -> rx.Component:
    return desk_shell(
        T["gp.title"],
        _grids_table(),
        rx.cond(
            S.selected != 0,
            rx.vstack(
                rx.heading(T["gp.selected"], ": ", S.sel.name, size="5", id="selected-grid"),
                rx.hstack(
                    rx.text(T["gp.households"], ": ", rx.text.strong(S.sel.households, id="selected-households")),
                    band_badge(S.sel.state),
                    align="center",
                    wrap="wrap",
                ),
                rx.grid(
                    rx.vstack(_assign_form(), _move_form(), _composition(), spacing="4", width="100%"),
                    rx.vstack(_butler_form(), _covers(), _poster(), spacing="4", width="100%"),
                    columns=rx.breakpoints(initial="1", lg="2"),
                    gap="4",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(
        grid_planning_page,
        route="/desk/grids",
        title="网格规划 · 网格管家",
        on_load=[AppState.guard("grid.plan"), S.load],
    )
