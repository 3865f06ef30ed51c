"""An in-browser QR scanner with a typed fallback, for phone screens.

Public API (one function)::

    qr_scanner(
        on_scan,                      # event handler taking one str: the decoded text,
                                      # or a FunctionVar (a JS function run in the browser)
        *,
        active=True,                  # bool or rx.Var[bool]; False unmounts the camera
        id="qr-scanner",              # id of the wrapper; must be unique on the page
        camera_error_text="无法打开摄像头，请输入编码",
        placeholder="输入或粘贴编码",
        submit_label="确定",
    ) -> rx.Component

It renders, in a column at most 320 px wide:

* the back camera (``facingMode: "environment"``) in a square, decoding QR codes
  with ``@yudiel/react-qr-scanner``. A code calls ``on_scan(raw_text)`` once:
  holding it in view, or showing it again, does not fire again until another
  code has been read (``allowMultiple=False``; the library's ``scanDelay`` only
  applies with ``allowMultiple=True``, which re-fires a code held in view).
  To read the same code again, toggle ``active`` (a fresh scanner). When the
  camera cannot start (no camera, permission denied, insecure context, decoder
  failure) the square is replaced by ``camera_error_text``; the page keeps
  working.
* a typed fallback below it: input ``#scan-code`` and button
  ``#scan-code-submit`` (Enter works too), which call the same ``on_scan`` with
  the typed text, stripped. Empty or blank input is refused by the browser.

While ``active`` is false the camera is not rendered at all (the camera is
released); making it true again mounts a fresh scanner, which also retries a
camera that had failed.

The zxing WebAssembly decoder is shipped by our own build: the wasm file of
``zxing-wasm`` is imported with Vite's ``?url`` suffix and handed to the
scanner's ``setZXingModuleOverrides({locateFile})``, so nothing is fetched from
a CDN at run time. ``zxing-wasm`` and ``barcode-detector`` are pinned to the
versions ``@yudiel/react-qr-scanner@2.6.0`` resolves to, so the wasm file and
its JavaScript glue always match.
"""

from __future__ import annotations

import json
import re
from typing import Any

import reflex as rx
from reflex.vars.base import VarData
from reflex.vars.function import FunctionStringVar, FunctionVar

SCANNER_LIB = "@yudiel/react-qr-scanner@2.6.0"
# What @yudiel/react-qr-scanner@2.6.0 resolves to (barcode-detector ^3.1.3 -> 3.2.2,
# which depends on zxing-wasm 3.1.3 exactly). Keep these three in step.
BARCODE_DETECTOR_LIB = "barcode-detector@3.2.2"
ZXING_WASM_LIB = "zxing-wasm@3.1.3"

RETRY_DELAY_MS = 200  # time between decode attempts
MAX_SIZE = "320px"
TOUCH_H = "44px"

_WASM_URL = "zxingReaderWasmUrl"
_ERR_STORE = "__reflexQrCameraErrors"


def _first_raw_value(codes: rx.Var[list[dict[str, Any]]]) -> tuple[rx.Var[str]]:
    """onScan gives an array of detected codes; the handler gets the first one's text."""
    return (rx.Var(f'(({codes})?.[0]?.rawValue ?? "")', _var_type=str),)


class Scanner(rx.Component):
    """``Scanner`` of @yudiel/react-qr-scanner; only the props we use."""

    library = SCANNER_LIB
    tag = "Scanner"
    # zxing-wasm is installed through the wasm import in add_imports (listing it here
    # would also emit a side-effect import of its whole JS module).
    lib_dependencies: list[str] = [BARCODE_DETECTOR_LIB]

    constraints: rx.Var[dict[str, Any]]
    formats: rx.Var[list[str]]
    paused: rx.Var[bool]
    allow_multiple: rx.Var[bool]
    scan_delay: rx.Var[int]
    retry_delay: rx.Var[int]
    sound: rx.Var[bool]
    styles: rx.Var[dict[str, Any]]
    components: rx.Var[dict[str, Any]]

    on_scan: rx.EventHandler[_first_raw_value]

    def add_imports(self) -> dict[str, Any]:
        return {
            SCANNER_LIB: ["setZXingModuleOverrides"],
            ZXING_WASM_LIB: rx.ImportVar(
                tag=_WASM_URL,
                is_default=True,
                package_path="/reader/zxing_reader.wasm?url",
            ),
        }

    def add_custom_code(self) -> list[str]:
        # Runs once when the page module loads, before the first decode asks for the wasm.
        return [
            "setZXingModuleOverrides({ locateFile: (path, prefix) => "
            f'path.endsWith(".wasm") ? {_WASM_URL} : prefix + path }});'
        ]


def _js_name(id: str) -> str:
    return re.sub(r"\W", "_", id)


def _typed_handler(on_scan: Any) -> Any:
    """The typed code's submit: the same ``on_scan`` with the stripped text.

    ``on_scan`` may be a Reflex event handler, or a JavaScript function (a ``FunctionVar``)
    that runs in the browser without the server, as the offline patrol walk needs."""
    if isinstance(on_scan, FunctionVar):
        return FunctionStringVar.create(
            f'((d) => ({on_scan})(String(d?.scan_code ?? "").trim()))'
        )
    return lambda form_data: on_scan(form_data.to(dict[str, str])["scan_code"].to(str).strip())


def qr_scanner(
    on_scan: Any,
    *,
    active: bool | rx.Var[bool] = True,
    id: str = "qr-scanner",
    camera_error_text: str | rx.Var[str] = "无法打开摄像头，请输入编码",
    placeholder: str | rx.Var[str] = "输入或粘贴编码",
    submit_label: str | rx.Var[str] = "确定",
) -> rx.Component:
    """The camera scanner and, below it, a typed fallback; both call ``on_scan(text)``.

    ``on_scan`` is an event handler taking one ``str``. See the module docstring.
    """
    # The camera error lives in the browser only, in a tiny store on globalThis keyed by
    # id: Reflex may put the Scanner and the cond that reads the error into different
    # memoized React components, so a useState in one would not be seen by the other.
    key = json.dumps(id)
    store = f"(globalThis.{_ERR_STORE} ??= {{ v: {{}}, subs: new Set() }})"
    err = f"qrCamErr_{_js_name(id)}"
    camera_error = rx.Var(
        err,
        _var_type=str,
        _var_data=VarData(
            hooks={
                f"const {err} = useSyncExternalStore("
                f"(cb) => {{ const s = {store}; s.subs.add(cb); return () => s.subs.delete(cb); }}, "
                f"() => globalThis.{_ERR_STORE}?.v[{key}] ?? null, () => null);": None
            },
            imports={"react": [rx.ImportVar(tag="useSyncExternalStore")]},
        ),
    )
    on_camera_error = rx.Var(
        f'((e) => {{ console.warn("qr-scanner:", e?.kind, e?.message); const s = {store}; '
        f's.v[{key}] = e?.kind || "unknown"; s.subs.forEach((f) => f()); }})'
    )

    camera = Scanner.create(
        on_scan=on_scan,
        constraints={"facingMode": "environment"},
        formats=["qr_code"],
        allow_multiple=False,
        retry_delay=RETRY_DELAY_MS,
        sound=True,
        components={"finder": True, "torch": False, "zoom": False, "onOff": False},
        styles={
            "container": {"width": "100%", "height": "100%", "paddingTop": "0"},
            "video": {"width": "100%", "height": "100%", "objectFit": "cover"},
        },
        custom_attrs={"onError": on_camera_error},
    )
    camera_box = rx.el.div(
        camera,
        id=f"{id}-camera",
        style={
            "width": "100%",
            "aspectRatio": "1 / 1",
            "overflow": "hidden",
            "borderRadius": "12px",
            "background": "#000",
        },
    )
    error_box = rx.el.div(
        camera_error_text,
        id=f"{id}-camera-error",
        role="status",
        style={
            "width": "100%",
            "minHeight": TOUCH_H,
            "padding": "12px",
            "boxSizing": "border-box",
            "borderRadius": "12px",
            "background": "var(--gray-a3)",
            "color": "var(--gray-12)",
            "textAlign": "center",
            "fontSize": "15px",
        },
    )
    # Deactivating forgets a camera error, so that the next activation retries the camera:
    # a hidden marker whose ref callback runs when the inactive branch mounts.
    forget_error = rx.el.span(
        hidden=True,
        custom_attrs={
            "ref": rx.Var(
                f"((el) => {{ if (el) {{ const s = {store}; delete s.v[{key}]; "
                "s.subs.forEach((f) => f()); } })"
            )
        },
    )
    camera_area = rx.cond(
        active,
        rx.cond(camera_error, error_box, camera_box),
        forget_error,
    )

    typed = rx.el.form(
        rx.el.input(
            id="scan-code",
            name="scan_code",
            type="text",
            placeholder=placeholder,
            required=True,
            pattern=r".*\S.*",
            enter_key_hint="done",
            custom_attrs={"autoComplete": "off", "autoCapitalize": "off", "spellCheck": "false"},
            style={
                "flex": "1",
                "minWidth": "0",
                "height": TOUCH_H,
                "padding": "0 12px",
                "fontSize": "16px",  # 16 px keeps iOS from zooming in
                "border": "1px solid var(--gray-a7)",
                "borderRadius": "8px",
                "boxSizing": "border-box",
            },
        ),
        rx.el.button(
            submit_label,
            id="scan-code-submit",
            type="submit",
            style={
                "minHeight": TOUCH_H,
                "minWidth": TOUCH_H,
                "padding": "0 16px",
                "fontSize": "16px",
                "border": "none",
                "borderRadius": "8px",
                "background": "var(--accent-9)",
                "color": "var(--accent-contrast, white)",
                "cursor": "pointer",
            },
        ),
        on_submit=_typed_handler(on_scan),
        reset_on_submit=True,
        id=f"{id}-typed",
        style={"display": "flex", "gap": "8px", "width": "100%"},
    )

    return rx.el.div(
        camera_area,
        typed,
        id=id,
        style={
            "display": "flex",
            "flexDirection": "column",
            "gap": "12px",
            "width": "100%",
            "maxWidth": MAX_SIZE,
            "margin": "0 auto",
        },
    )
