"""Photo evidence on a page: the camera button and the strip of thumbnails.

The upload itself runs in the browser (assets/js/photo_upload.js, loaded in
the page head): it shrinks the photo to ≤1600 px, POSTs it to /api/evidence
with the session token and a client id, retries, and then clicks the hidden
"done" button so that a Reflex event reloads the list from the database. No
photo ever travels through Reflex state; the strip shows signed links
(`app.api.evidence.photo_items`).

DOM contract (the JS, the e2e tests and bench/photo_roundtrip.py rely on it):
- `div[data-evidence-picker]` wraps one picker;
- `input#<input_id>[type=file][data-evidence-kind][data-evidence-subject][data-done-button]`;
- `label.evidence-picker-button` (≥ 56 px high) opens the camera;
- `#<input_id>-status[data-status]`: progress / error text (aria-live);
- `button#<input_id>-done`: hidden, its click runs `on_done`;
- the strip: `div.evidence-strip`, each photo `a.evidence-photo` (full size,
  new tab) with `img.evidence-thumb` (96 px square, lazy) and its time.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.ui.texts import T

# hidden from sight but not display:none, so every phone browser opens it from its label
_VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "opacity": "0",
    "overflow": "hidden",
    "pointer_events": "none",
}


def photo_picker(
    kind: str,
    subject_id: rx.Var[int] | int,
    on_done: Any,
    *,
    label: rx.Var[str] | str,
    input_id: str = "photo-input",
) -> rx.Component:
    """A big camera button that uploads to `kind`/`subject_id`; `on_done` reloads the photos.

    `on_done` is an event handler (e.g. `PatrolState.reload_photos`), run once
    per stored photo. `label` is shown on the button (e.g. `T["evidence.take_photo"]`).
    """
    done_id = f"{input_id}-done"
    return rx.box(
        rx.el.label(
            rx.icon("camera", size=26),
            rx.el.span(label),
            rx.el.input(
                type="file",
                accept="image/*",
                capture="environment",
                multiple=True,
                id=input_id,
                name=input_id,
                style=_VISUALLY_HIDDEN,
                custom_attrs={
                    "data-evidence-kind": kind,
                    "data-evidence-subject": subject_id,
                    "data-done-button": done_id,
                },
            ),
            html_for=input_id,
            class_name="evidence-picker-button",
            style={
                "display": "flex",
                "align_items": "center",
                "justify_content": "center",
                "gap": "0.5rem",
                "min_height": "56px",
                "width": "100%",
                "padding": "0.75rem 1rem",
                "border_radius": "12px",
                "background": "var(--teal-9)",
                "color": "white",
                "font_size": "1.125rem",
                "font_weight": "600",
                "cursor": "pointer",
                "position": "relative",
                "user_select": "none",
                "-webkit-tap-highlight-color": "transparent",
            },
        ),
        rx.el.p(
            "",
            id=f"{input_id}-status",
            custom_attrs={"data-status": "", "aria-live": "polite"},
            style={
                "min_height": "1.25rem",
                "margin": "0.375rem 0 0",
                "font_size": "0.875rem",
                "white_space": "pre-line",
                "color": "var(--gray-11)",
            },
        ),
        rx.el.button(
            id=done_id,
            type="button",
            on_click=on_done,
            tab_index=-1,
            custom_attrs={"aria-hidden": "true"},
            style={"display": "none"},
        ),
        custom_attrs={"data-evidence-picker": ""},
        width="100%",
    )


def _photo(p: rx.Var) -> rx.Component:
    return rx.el.a(
        rx.el.img(
            src=p.thumb_url,
            alt=p.time,
            loading="lazy",
            decoding="async",
            width="96",
            height="96",
            class_name="evidence-thumb",
            style={
                "width": "96px",
                "height": "96px",
                "object_fit": "cover",
                "border_radius": "8px",
                "display": "block",
                "background": "var(--gray-3)",
                "opacity": rx.cond(p.hidden, "0.45", "1"),
            },
        ),
        rx.el.span(
            p.short,
            style={"font_size": "11px", "color": "var(--gray-11)", "line_height": "1.2"},
        ),
        rx.cond(
            p.hidden,
            rx.el.span(T["evidence.hidden"], style={"font_size": "11px", "color": "var(--red-11)"}),
        ),
        href=p.full_url,
        target="_blank",
        rel="noopener",
        title=p.time,
        class_name="evidence-photo",
        custom_attrs={"aria-label": T["evidence.open_full"]},
        style={
            "display": "flex",
            "flex_direction": "column",
            "align_items": "center",
            "gap": "2px",
            "width": "96px",
            "text_decoration": "none",
        },
    )


def photo_strip(photos: rx.Var) -> rx.Component:
    """Thumbnails of `photos` (`app.api.evidence.PhotoItem`s), oldest first."""
    return rx.cond(
        photos.length() > 0,  # type: ignore[attr-defined]
        rx.el.div(
            rx.foreach(photos, _photo),
            class_name="evidence-strip",
            style={"display": "flex", "flex_wrap": "wrap", "gap": "8px", "width": "100%"},
        ),
        rx.text(T["evidence.no_photos"], size="2", color_scheme="gray"),
    )
