"""`campaign registry …` through the real entry point, with the exact words a user sees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from campaign.loader import load
from campaign.registry import politicians
from campaign.registry.csvio import export_csv

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "campaign", "registry", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1770163200"},  # 2026-02-04
    )


def test_find() -> None:
    result = run("find", "malung salen")
    assert (result.returncode, result.stdout) == (0, "Malung-Sälen: kommun 2023 in Dalarnas län (20); slug malung-salen\n")
    assert run("find", "0180").stdout == "Stockholm: kommun 0180 in Stockholms län (01); slug stockholm\n"
    assert run("find", "--lan", "skåne").stdout == "Skåne län: län 12, 33 kommuner; slug skane-lan\n"


def test_find_takes_english_names() -> None:
    """The registry's English names, the same table the page's picker searches (site/render.py write_kommun_list)."""
    assert run("find", "Gothenburg").stdout == "Göteborg: kommun 1480 in Västra Götalands län (14); slug goteborg\n"
    assert run("find", "malmoe").stdout == "Malmö: kommun 1280 in Skåne län (12); slug malmo\n"
    assert run("find", "--lan", "Scania").stdout == "Skåne län: län 12, 33 kommuner; slug skane-lan\n"
    assert run("find", "--lan", "Vastra Gotaland County").stdout.startswith("Västra Götalands län: län 14,")
    result = run("find", "Stockholm County")
    assert (result.returncode, result.stderr) == (
        3,
        "error: no kommun matches 'Stockholm County': Stockholms län (01) is a län\n",
    )


@pytest.mark.parametrize(
    ("query", "stderr"),
    [
        ("Upsala", "error: no kommun matches 'Upsala'; did you mean Uppsala (0380), Sala (1981) or Pajala (2521)?\n"),
        (
            "Upplands",
            "error: 'Upplands' matches 2 kommuner: Upplands Väsby (0114), Upplands-Bro (0139); give the full name or the code\n",
        ),
    ],
)
def test_find_fails_with_suggestions(query: str, stderr: str) -> None:
    result = run("find", query)
    assert (result.returncode, result.stdout, result.stderr) == (3, "", stderr)


def test_list() -> None:
    kommuner = run("list").stdout.splitlines()
    assert len(kommuner) == 290 and kommuner[0] == "0114  Upplands Väsby    Stockholms län"
    lan = run("list", "--lan").stdout.splitlines()
    assert len(lan) == 21 and lan[0] == "01  Stockholms län         26 kommuner"
    assert len(run("list", "--in", "Dalarna").stdout.splitlines()) == 15


def test_politicians() -> None:
    result = run("politicians", ".", "--kommun", "Uppsala")
    assert result.returncode == 0
    assert result.stdout.splitlines()[:4] == [
        "anna-exempel: Anna Exempel (S) [example]",
        "  ordförande i socialnämnden, Uppsala (0380), 2023-01-01 – 2026-12-31",
        "  bluesky anna.example.org (did:web:anna.example.org); mastodon anna@mastodon.example",
        "  verified 2026-09-01 against https://www.example.org/uppsala/socialnamnden",
    ]
    assert result.stderr == "2 politicians with a role in Uppsala\n"


def test_check_reports_coverage() -> None:
    result = run("check", ".", "--on", "2026-02-04")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "politicians: 4 (4 examples), with roles in 3 kommuner on 2026-02-04",
        "coverage of 'socialnämnden: ordförande, vice ordförande': registered in 3 of 290 kommuner",  # the campaign's own rule
        "  X          tagged in   0 of 290",
        "  Bluesky    tagged in   2 of 290",
        "  Mastodon   tagged in   1 of 290",
        "  Threads    tagged in   0 of 290",
        "  LinkedIn   named  in   3 of 290",
        "  Facebook   named  in   3 of 290",
        "  Instagram  tagged in   0 of 290",
        "named instead of tagged: anna-exempel (ordförande i socialnämnden, Uppsala (0380)) on x, threads, instagram",
        "named instead of tagged: bertil-exempel (vice ordförande i socialnämnden, Uppsala (0380)) on x, bluesky, threads, instagram",
        "named instead of tagged: cecilia-exempel (ordförande i socialnämnden, Malung-Sälen (2023)) on x, bluesky, mastodon, threads, instagram",
        "named instead of tagged: david-exempel (ordförande i socialnämnden, Stockholm (0180)) on x, mastodon, threads, instagram",
    ]
    assert result.stderr == ""


def test_check_warns_as_of_the_date_given() -> None:
    result = run("check", ".", "--on", "2028-01-01")
    assert result.returncode == 0
    assert (
        "messages/politicians.yaml:37:90: warning: politicians[0].roles[0].end: anna-exempel: the role ordförande i socialnämnden ended on 2026-12-31; it is no longer tagged\n"
        in result.stderr
    )
    assert "anna-exempel: last verified 2026-09-01, more than a year before 2028-01-01" in result.stderr
    assert result.stderr.endswith("9 warnings\n")
    assert run("check", ".", "--on", "2028-01-01", "--strict").returncode == 2
    assert run("check", ".", "--on", "2026-02-04", "--strict").returncode == 0


def test_check_rejects_a_bad_date_and_rule() -> None:
    bad_date = run("check", ".", "--on", "01/02/2026")
    assert (
        bad_date.returncode == 2 and "Invalid value for --on: expected a date as YYYY-MM-DD, got '01/02/2026'" in bad_date.stderr
    )
    bad_rule = run("check", ".", "--rule", "socialnämnden ordförande")
    assert bad_rule.returncode == 2
    assert bad_rule.stderr == (
        "error: expected a tag rule 'body: title, title' such as 'socialnämnden: ordförande, vice ordförande', "
        "got 'socialnämnden ordförande' (did you mean 'socialnämnden: ordförande'?)\n"
    )


def test_export_and_import(tmp_path: Path) -> None:
    exported = run("export", ".")
    assert exported.returncode == 0
    assert exported.stdout == export_csv(politicians(load(ROOT).campaign)).replace("\r\n", "\n")  # text mode reads \r\n as \n
    excel = subprocess.run(
        [sys.executable, "-m", "campaign", "registry", "export", ".", "--excel"], cwd=ROOT, capture_output=True
    )
    assert excel.stdout.startswith("\ufeffid;name;party".encode())

    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "campaign.yaml").write_text(
        (ROOT / "messages" / "campaign.yaml").read_text(encoding="utf-8").replace("    logo: assets/logo.png\n", ""),
        encoding="utf-8",
    )
    (tmp_path / "messages" / "messages.yaml").write_text("messages:\n  - {id: m, kind: short, text: Hej}\n", encoding="utf-8")
    sheet = tmp_path / "people.csv"
    sheet.write_bytes(excel.stdout)
    imported = run("import", str(sheet), str(tmp_path))
    assert (imported.returncode, imported.stdout) == (0, "imported 4 politicians into messages/politicians.yaml\n")
    assert run("export", str(tmp_path)).stdout == exported.stdout


def test_import_lists_every_error_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "campaign.yaml").write_text(
        "campaign: {name: T, organisation: O, launch_date: 2026-02-04}\nmessages:\n  - {id: m, kind: short, text: Hej}\n",
        encoding="utf-8",
    )
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "id;name;x;kommun;body;title\nanna;Anna;anna s;0380;socialnämnden;ordförande\nbo;Bo;;Upsala;socialnämnden;ordförande\n",
        encoding="utf-8",
    )
    result = run("import", str(sheet), str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == (
        f"{sheet}:2:3: error: x: expected an X handle: 1-15 of A-Z a-z 0-9 _ (such as 'anna_s'), got 'anna s'\n"
        f"{sheet}:3:4: error: kommun: unknown kommun 'Upsala'; did you mean Uppsala (0380), Sala (1981) or Pajala (2521)?\n"
        "2 errors\n"
    )
    assert not (tmp_path / "messages" / "politicians.yaml").exists()


@pytest.mark.parametrize("command", ["find", "list", "politicians", "import", "export", "check"])
def test_every_command_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0 and "Example: campaign registry" in result.stdout
