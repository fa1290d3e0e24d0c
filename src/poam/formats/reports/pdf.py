"""The PDF of the report, printed by headless Chromium from the very same HTML.

Chromium is the one engine used: it renders the report exactly as a browser shows it, honours
``@page`` margin boxes (the page numbers, since Chromium 131) and repeats table headers; it is
one package on every platform (Debian ``chromium``, Google Chrome, Microsoft Edge). WeasyPrint
would need Pango and friends and renders grid layouts differently. When no Chromium is found,
:class:`PdfEngineMissing` says what to install; the HTML report does not depend on it.

Chromium is started with a fresh profile in a temporary folder, no network services, and a hard
time limit; the PDF is written to a temporary file and moved into place only when complete.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

ENV_VAR = "POAM_CHROMIUM"
DEFAULT_TIMEOUT = 90.0
_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "msedge",
)
_APPS = (
    "/usr/bin/chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
)
INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: `apt-get install chromium`; macOS and Windows: Google "
    f"Chrome or Microsoft Edge) or set {ENV_VAR} to a Chromium-based browser"
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
    "--no-pdf-header-footer",  # page numbers come from the report's own @page rules
    "--print-to-pdf-no-header",  # the same, for Chromium before 120
)


class PdfError(Exception):
    """The PDF could not be made; the message says why and what to do."""


class PdfEngineMissing(PdfError):
    """No Chromium to print with."""


def find_chromium(env: Mapping[str, str] | None = None) -> Path:
    """The Chromium to print with: ``POAM_CHROMIUM`` if set, else a known name or place."""
    env = os.environ if env is None else env
    chosen = env.get(ENV_VAR, "").strip()
    if chosen:
        path = Path(chosen)
        found = shutil.which(chosen) if not path.is_file() else str(path)
        if found is None:
            raise PdfEngineMissing(f"{ENV_VAR}={chosen}: no such program; {INSTALL_HINT}")
        return Path(found)
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    for place in _APPS:
        if Path(place).is_file():
            return Path(place)
    raise PdfEngineMissing(f"no Chromium found to print the PDF; {INSTALL_HINT}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End Chromium and every helper process it started (its own process group)."""
    try:
        if sys.platform != "win32":
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - not run on this platform
            process.kill()
    except ProcessLookupError:
        pass
    process.communicate()  # reap it and close its pipes


def html_to_pdf(
    html: str,
    *,
    chromium: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> bytes:
    """Print ``html`` (a complete, self-contained page) to PDF and return its bytes."""
    program = chromium or find_chromium()
    with tempfile.TemporaryDirectory(prefix="poam-pdf-") as folder:
        work = Path(folder)
        page = work / "report.html"
        target = work / "report.pdf"
        page.write_text(html, "utf-8")
        command = [
            str(program),
            *FLAGS,
            f"--user-data-dir={work / 'profile'}",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        try:
            process = subprocess.Popen(  # a fixed argument list, no shell
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as error:
            raise PdfEngineMissing(
                f"{program} cannot be started ({error.strerror}); {INSTALL_HINT}"
            ) from None
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise PdfError(
                f"{program} did not finish printing within {timeout:.0f} seconds"
            ) from None
        finally:
            if process.poll() is None:
                _stop(process)
        if process.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfError(
                f"{program} failed to print the PDF (exit {process.returncode})"
                + (": " + " / ".join(detail) if detail else "")
            )
        data = target.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise PdfError(f"{program} wrote something that is not a PDF")
    return data
