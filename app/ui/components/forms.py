"""Form pieces every screen uses: a labelled input and the form's error message."""

from __future__ import annotations

import reflex as rx

from app.ui.texts import T


def labelled_input(label_key: str, input_id: str, **props) -> rx.Component:
    """A label from the catalog above a full-width, touch-sized input."""
    props.setdefault("name", input_id)
    props.setdefault("size", "3")
    return rx.vstack(
        rx.text(T[label_key], as_="label", html_for=input_id, size="2", weight="medium"),
        rx.input(id=input_id, width="100%", **props),
        spacing="1",
        width="100%",
    )


def form_error(message: rx.Var, error_id: str) -> rx.Component:
    """The red message under a form, shown only while there is one."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", id=error_id, width="100%"),
    )
