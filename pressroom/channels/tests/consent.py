"""A person on an emulated consent page, without a browser: read the page's form, fill its
fields by their labels, press a button by its text, and follow the answer's redirect."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import httpx


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    options: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""


class FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.action = ""
        self.controls: list[Control] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._label_text = ""
        self._wrapping: list[Control] = []
        self._in_label = False
        self._current: Control | None = None
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form" and not self.action:
            self.action = values.get("action", "")
        elif tag == "label":
            self._in_label, self._label_for, self._label_text = True, values.get("for"), ""
            self._wrapping = []
        elif tag in {"input", "select", "button", "textarea"}:
            control = Control(tag, values)
            self.controls.append(control)
            if self._in_label:
                self._wrapping.append(control)
            if tag in {"select", "button", "textarea"}:
                self._current = control
        elif tag == "option" and self._current is not None:
            self._option = values.get("value", "")
            self._current.options.append((self._option, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            text = " ".join(self._label_text.split())
            if self._label_for:
                self.labels[text] = self._label_for
            for control in self._wrapping:
                control.attrs.setdefault("data-label", text)
            self._in_label = False
        elif tag in {"select", "button", "textarea"}:
            self._current = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data: str) -> None:
        if self._in_label:
            self._label_text += data
        if self._current is not None:
            if self._option is not None:
                value, text = self._current.options[-1]
                self._current.options[-1] = (value, text + data)
            else:
                self._current.text += data


class ConsentPage:
    """One consent page, answered as a person would."""

    def __init__(self, http: httpx.Client, url: str) -> None:
        self.http = http
        self.url = url
        response = http.get(url)
        self.status_code = response.status_code
        self.html = response.text
        self.reader = FormReader()
        self.reader.feed(self.html)
        self.values: dict[str, list[str]] = {}
        for control in self.reader.controls:
            name = control.attrs.get("name")
            kind = control.attrs.get("type", "text")
            if not name or control.tag == "button" or kind in {"submit", "button"}:
                continue
            if kind in {"checkbox", "radio"}:
                if "checked" in control.attrs:
                    self.values.setdefault(name, []).append(control.attrs.get("value", "on"))
            elif control.tag == "select":
                chosen = next(
                    (value for value, _ in control.options if "selected" in control.attrs), None
                )
                if control.options:
                    self.values[name] = [chosen or control.options[0][0]]
            else:
                self.values[name] = [control.attrs.get("value", "")]

    def control(self, label: str) -> Control:
        target = self.reader.labels.get(label)
        for control in self.reader.controls:
            if (target and control.attrs.get("id") == target) or control.attrs.get(
                "data-label"
            ) == label:
                return control
        raise AssertionError(f"No field labelled {label!r} on {self.url}")

    def fill(self, label: str, value: str) -> ConsentPage:
        self.values[self.control(label).attrs["name"]] = [value]
        return self

    def select(self, label: str, option_text: str) -> ConsentPage:
        control = self.control(label)
        for value, text in control.options:
            if option_text in " ".join(text.split()):
                self.values[control.attrs["name"]] = [value]
                return self
        raise AssertionError(f"No option {option_text!r} in {label!r}")

    def check(self, label: str, checked: bool = True) -> ConsentPage:
        control = self.control(label)
        name, value = control.attrs["name"], control.attrs.get("value", "on")
        values = [v for v in self.values.get(name, []) if v != value]
        self.values[name] = [*values, value] if checked else values
        return self

    def press(self, text: str) -> httpx.Response:
        """Submit with the button whose text contains `text`; the answer, not followed."""
        form: list[tuple[str, str]] = [
            (name, value) for name, values in self.values.items() for value in values
        ]
        for control in self.reader.controls:
            caption = " ".join(control.text.split()) or control.attrs.get("value", "")
            if control.tag in {"button", "input"} and text in caption:
                if control.attrs.get("name"):
                    form.append((control.attrs["name"], control.attrs.get("value", "")))
                break
        else:
            raise AssertionError(f"No button {text!r} on {self.url}")
        action = urljoin(self.url, self.reader.action or self.url)
        return self.http.post(
            action,
            content=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )


def redirect_query(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """Where a consent page sent the person back, and with what."""
    assert response.status_code in {302, 303}, (response.status_code, response.text[:500])
    location = response.headers["location"]
    parts = urlsplit(location)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", dict(parse_qsl(parts.query))
