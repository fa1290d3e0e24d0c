"""HTTPS behind a real reverse proxy, on loopback: nginx terminating TLS (a throwaway
self-signed certificate made here) in front of ``poam serve`` (gunicorn), as docs/web.md
describes it, with ``POAM_HTTPS=1`` and ``POAM_PROXY_HOPS=1``.

What issue 8 found broken, tried as a browser and an attacker would: no redirect loop (the
proxy says the request was HTTPS), HSTS sent, cookies marked Secure, a plain-HTTP request sent
once to HTTPS, the address recorded is the one nginx saw, and an ``X-Forwarded-For`` the
client writes itself cannot choose it. Skipped when nginx is not installed.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import os
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.web.conftest import ROOT

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).is_file()), None
)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")

CLIENT = "127.0.0.3"
"""The browser's address: nginx sees it; gunicorn sees only nginx (127.0.0.1)."""
FORGED = "6.6.6.6"
PASSWORD = "a-proxy-test-passphrase-9"
NOW = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
"""The certificate's validity starts here (no test reads the wall clock)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, valid 50 years either side of :data:`NOW`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=18_250))
        .not_valid_after(NOW + dt.timedelta(days=18_250))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


NGINX_CONF = """
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  # plain HTTP: sent once to HTTPS, never to the application
  server {{
    listen 127.0.0.1:{http_port};
    server_name localhost;
    return 301 https://$host:{https_port}$request_uri;
  }}
  server {{
    listen 127.0.0.1:{https_port} ssl;
    server_name localhost;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    location / {{
      proxy_pass http://127.0.0.1:{app_port};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_redirect off;
    }}
  }}
}}
"""


@dataclass(frozen=True)
class Site:
    https_port: int
    http_port: int
    app_port: int
    database: Path
    tls: ssl.SSLContext


def _wait_for(port: int, process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"{what} stopped: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{what} did not listen on {port}")


@pytest.fixture(scope="module", params=["gunicorn", "waitress"])
def site(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Site]:
    """nginx in front of ``poam serve`` with gunicorn (POSIX) and with waitress (Windows)."""
    folder = tmp_path_factory.mktemp("proxy")
    os.chmod(folder, 0o755)  # noqa: PTH101 -- nginx's worker may run as another user
    data = folder / "data"
    cert, key = _certificate(folder)
    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("POAM_", "DJANGO_", "DATABASE_"))
    }
    env.update(
        {
            "POAM_HTTPS": "1",
            "POAM_PROXY_HOPS": "1",
            "POAM_ALLOWED_HOSTS": "localhost",
            "POAM_SECRET_KEY": "proxy-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "POAM_SERVER": str(request.param),
            "POAM_DATA_DIR": str(data),
        }
    )
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "poam.web.settings"},
        check=True,
    )
    subprocess.run(
        [sys.executable, "-m", "django", "createsuperuser", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "poam.web.settings",
            "DJANGO_SUPERUSER_USERNAME": "owner",
            "DJANGO_SUPERUSER_EMAIL": "owner@example.com",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        },
        check=True,
    )
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "poam",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(app_port),
            "--workers",
            "1",
            "--threads",
            "2",
            "--data-dir",
            str(data),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    (folder / "nginx.conf").write_text(
        NGINX_CONF.format(
            user="user root;" if os.geteuid() == 0 else "",
            folder=folder,
            http_port=http_port,
            https_port=https_port,
            app_port=app_port,
            cert=cert,
            key=key,
        ),
        "utf-8",
    )
    assert NGINX is not None
    proxy = subprocess.Popen(
        [
            NGINX,
            "-p",
            str(folder),
            "-c",
            str(folder / "nginx.conf"),
            "-e",
            str(folder / "error.log"),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(app_port, app, "poam serve")
        _wait_for(https_port, proxy, "nginx")
        tls = ssl.create_default_context(cafile=str(cert))
        yield Site(https_port, http_port, app_port, data / "poam.sqlite3", tls)
    finally:
        for process in (proxy, app):
            process.send_signal(signal.SIGTERM)
        for process in (proxy, app):
            try:
                process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


def _request(
    site: Site,
    method: str,
    path: str,
    *,
    https: bool = True,
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> http.client.HTTPResponse:
    if https:
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            "localhost", site.https_port, context=site.tls, source_address=(CLIENT, 0), timeout=60
        )
    else:
        connection = http.client.HTTPConnection(
            "localhost", site.http_port, source_address=(CLIENT, 0), timeout=60
        )
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    """Each cookie set, with its attributes as sent."""
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        found[header.split("=", 1)[0]] = header
    return found


def _csrf(site: Site) -> tuple[str, str]:
    """The CSRF cookie and the form's token, from the sign-in page."""
    connection = http.client.HTTPSConnection(
        "localhost", site.https_port, context=site.tls, source_address=(CLIENT, 0), timeout=60
    )
    connection.request("GET", "/account/login/")
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    cookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None and "csrftoken" in cookie
    return cookie["csrftoken"].value, token[1]


def _sign_in(site: Site, password: str) -> http.client.HTTPResponse:
    cookie, token = _csrf(site)
    origin = f"https://localhost:{site.https_port}"
    return _request(
        site,
        "POST",
        "/account/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Referer": f"{origin}/account/login/",
            "Origin": origin,
            "X-Forwarded-For": FORGED,  # the client's own claim: nginx appends what it saw
        },
        body=urlencode({"csrfmiddlewaretoken": token, "login": "owner", "password": password}),
    )


def _recorded(site: Site, action: str) -> list[str | None]:
    with sqlite3.connect(site.database) as db:
        rows = db.execute(
            "SELECT ip_address FROM workbench_change WHERE action = ? ORDER BY seq", [action]
        ).fetchall()
    return [row[0] for row in rows]


def test_plain_http_is_sent_once_to_https(site: Site) -> None:
    first = _request(site, "GET", "/account/login/?next=/x", https=False)
    assert first.status == 301
    location = first.headers["Location"]
    assert location == f"https://localhost:{site.https_port}/account/login/?next=/x"
    final = _request(site, "GET", "/account/login/?next=/x")
    assert final.status == 200  # the proxy said HTTPS: no second redirect, no loop


def test_https_answers_send_hsts_and_secure_cookies(site: Site) -> None:
    page = _request(site, "GET", "/account/login/")
    assert page.status == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Secure" in _cookies(page)["csrftoken"]
    signed_in = _sign_in(site, PASSWORD)
    assert signed_in.status == 302, signed_in.headers
    session = _cookies(signed_in)["sessionid"]
    assert "Secure" in session and "HttpOnly" in session


def test_a_request_the_proxy_did_not_mark_https_is_redirected(site: Site) -> None:
    """Straight to gunicorn (as a proxy that forgot X-Forwarded-Proto): Django sends it to
    HTTPS rather than serve it in clear."""
    connection = http.client.HTTPConnection("127.0.0.1", site.app_port, timeout=60)
    connection.request("GET", "/account/login/", headers={"Host": "localhost"})
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 301
    assert response.headers["Location"] == "https://localhost/account/login/"


def test_the_address_recorded_is_the_one_nginx_saw_not_the_forged_one(site: Site) -> None:
    refused = _sign_in(site, "not-the-password")
    assert refused.status == 200  # the form again, with its error
    assert _recorded(site, "login-failed") == [CLIENT]
    assert _sign_in(site, PASSWORD).status == 302
    assert set(_recorded(site, "login")) == {CLIENT}
