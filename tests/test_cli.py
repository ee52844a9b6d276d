"""The saltkg command line, run as a user would (in-process, real files)."""

import json

import pytest

from graph.cli import main

from .conftest import DATA, FIXTURES, SEED


@pytest.fixture
def env(built_seed, monkeypatch):
    monkeypatch.setenv("SALTKG_BUILD", str(built_seed.build_dir))
    monkeypatch.setenv("SALTKG_DATA", str(built_seed.data_dir))
    return built_seed


def test_extract_json_prints_one_object_per_document(capsys):
    assert main(["extract", "--json", "--compact", str(SEED), str(FIXTURES / "corpus" / "frus1969-76v32-d902.txt")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["document"]["number"] for line in lines] == [247, 902]


def test_extract_reports_bad_files_on_stderr(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    assert main(["extract", "--json", str(bad), str(SEED)]) == 1
    captured = capsys.readouterr()
    assert "bad.txt" in captured.err and "empty file" in captured.err
    assert json.loads(captured.out)["document"]["number"] == 247


def test_query_table_json_csv(env, capsys):
    query = "SELECT ?label WHERE { <https://w3id.org/salt-kg/person/kissinger> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    assert main(["query", query]) == 0
    assert "Henry A. Kissinger" in capsys.readouterr().out
    assert main(["query", query, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"]["bindings"][0]["label"]["value"] == "Henry A. Kissinger"
    assert main(["query", query, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].strip() == "Henry A. Kissinger"


def test_query_from_file_and_named(env, tmp_path, capsys):
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { ?s a <https://w3id.org/salt-kg/ontology#Demarche> }")
    assert main(["query", "-f", str(rq)]) == 0
    assert capsys.readouterr().out.strip() == "true"
    assert main(["query", "--name", "documents"]) == 0
    assert "frus1969-76v14-d247" in capsys.readouterr().out


def test_named_query_parameters(env, capsys):
    assert main(["query", "--name", "person-neighbourhood", "--param", "person=person/kissinger", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    relations = {(r["relation"]["value"], r.get("otherLabel", {}).get("value")) for r in rows}
    assert ("heard from", "Gerard C. Smith") in relations and ("mentioned in", None) in relations
    assert any(relation == "took part on issue" for relation, _ in relations)
    assert all(r["via"]["value"].startswith("https://w3id.org/salt-kg/") for r in rows)
    assert main(["query", "--name", "unresolved-on-date", "-p", "date=1972-05-20", "--format", "csv"]) == 0
    assert "heavy-missile-definition" in capsys.readouterr().out
    assert main(["query", "--name", "issue-timeline"]) == 1
    assert "needs --param issue=" in capsys.readouterr().err
    assert main(["query", "--name", "documents", "--param", "nonsense"]) == 1
    assert "NAME=VALUE" in capsys.readouterr().err
    assert main(["query", "--name", "unresolved-on-date", "--param", "date=1972-13-45"]) == 1
    assert "invalid date '1972-13-45'" in capsys.readouterr().err


def test_construct_as_turtle(env, capsys):
    assert main(["query", "CONSTRUCT WHERE { <https://w3id.org/salt-kg/person/nixon> ?p ?o }", "--format", "turtle"]) == 0
    assert "Richard M. Nixon" in capsys.readouterr().out


def test_syntax_error_is_clear(env, capsys):
    assert main(["query", "SELEC nonsense"]) == 1
    assert "SPARQL syntax error" in capsys.readouterr().err


@pytest.mark.parametrize("fmt,needle", [("turtle", b"@prefix"), ("nt", b"<https://w3id.org/salt-kg/person/kissinger>"),
                                        ("jsonld", b"\"@id\""), ("nquads", b"graph/curated")])
def test_export_formats(env, tmp_path, fmt, needle, capsys):
    out = tmp_path / f"graph.{fmt}"
    assert main(["export", "--format", fmt, "-o", str(out)]) == 0
    data = out.read_bytes()
    assert needle in data or (fmt == "turtle" and b"<https://w3id.org/salt-kg/" in data)
    assert len(data) > 10000


def test_query_without_a_graph_fails_clearly(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SALTKG_BUILD", str(tmp_path / "nothing"))
    assert main(["query", "ASK {}"]) == 1
    assert "run `saltkg build` first" in capsys.readouterr().err


def test_build_command_prints_summary_and_strict_fails_on_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SALTKG_BUILD", str(tmp_path / "b"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00")
    assert main(["build", "-q", "--jobs", "1", str(bad)]) == 0  # in this process: the pool has its own tests
    captured = capsys.readouterr()
    shipped = len(list((DATA / "corpus").glob("*.txt")))
    assert f"documents  {shipped} read, 1 failed" in captured.out and "binary file" in captured.err
    assert "SHACL      conforms" in captured.out
    assert main(["build", "-q", "--jobs", "1", "--strict", str(bad)]) == 1
