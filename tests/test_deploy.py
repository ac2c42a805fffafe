"""The production files in deploy/ (docs/deploy.md) run real commands and proxy what the app needs."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from typer.core import TyperGroup
from typer.main import get_command

from oxship.cli import app

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ("oxship.service", "oxship-worker.service")


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / name).read_text())
    return parser


def _parse_cli(argv: list[str]) -> dict[str, object]:
    """Parse `oxship <command> <options>` as the CLI would (bad commands or options raise)."""
    group = get_command(app)
    assert isinstance(group, TyperGroup)
    with group.make_context("oxship", list(argv)) as ctx:
        name, command, rest = group.resolve_command(ctx, argv)
        assert command is not None
        assert name is not None
        with command.make_context(name, rest, parent=ctx) as sub:
            return {"command": name, **sub.params}


def test_the_console_script_is_oxship() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["oxship"] == "oxship.cli:main"


@pytest.mark.parametrize(
    ("unit", "command"), [("oxship.service", "serve"), ("oxship-worker.service", "worker")]
)
def test_each_unit_starts_a_real_cli_command(unit: str, command: str) -> None:
    service = _unit(unit)["Service"]
    argv = shlex.split(service["ExecStart"])
    assert Path(argv[0]).name == "oxship"
    assert _parse_cli(argv[1:])["command"] == command
    assert service["EnvironmentFile"].startswith("/etc/")
    assert service["Restart"] == "always"
    for hardening in ("NoNewPrivileges", "ProtectSystem", "PrivateTmp", "ProtectHome"):
        assert hardening in service, f"{unit} lacks {hardening}"
    assert service["User"] != "root"


def test_the_web_unit_runs_several_workers_with_shared_metrics() -> None:
    service = _unit("oxship.service")["Service"]
    params = _parse_cli(shlex.split(service["ExecStart"])[1:])
    workers = params["workers"]
    assert isinstance(workers, int)
    assert workers > 1
    lines = (DEPLOY / "oxship.service").read_text().splitlines()
    assert "Environment=PROMETHEUS_MULTIPROC_DIR=/run/oxship" in lines
    assert service["RuntimeDirectory"] == "oxship", "the metrics directory must start empty"
    assert any(line.startswith("Environment=FORWARDED_ALLOW_IPS=") for line in lines)


def test_nginx_proxies_websockets_with_a_body_limit_and_tls() -> None:
    text = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"upstream oxship \{(.*?)\}", text, flags=re.DOTALL)
    assert upstream is not None
    socketio = re.search(r"location /socket\.io/ \{(.*?)\n    \}", text, flags=re.DOTALL)
    assert socketio is not None
    block = socketio.group(1)
    assert "proxy_set_header Upgrade $http_upgrade;" in block
    assert "proxy_set_header Connection $connection_upgrade;" in block
    assert "X-Forwarded-For" in block, "a location with proxy headers inherits none"
    assert "client_max_body_size 1m;" in text
    assert re.search(r"listen 443 ssl", text)
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if nginx is None:
        pytest.skip("nginx is not installed: the structure test above still checks the file")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run(
        [*openssl, "-subj", "/CN=x", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx.conf").read_text()
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    site = site.replace("/var/log/nginx/oxship.access.log", str(tmp_path / "access.log"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include {tmp_path}/site.conf; }}\n"
    )
    done = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_deploy_md_names_the_files_and_the_fault_tests() -> None:
    text = (ROOT / "docs" / "deploy.md").read_text()
    for name in (*UNITS, "nginx.conf", "tests/faults"):
        assert name in text, f"docs/deploy.md does not mention {name}"
