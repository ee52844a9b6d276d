"""The Office of the Historian's people database: reading records, importing them as shipped data
joined to the curated registry, the registry's people_db, the build's people graph, link coverage."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.cli import main
from graph.config import Settings
from graph.extract import extract, to_json
from graph.model.people import import_people, match_records, people_graph
from graph.model.person_match import match_persons
from graph.model.store import KnowledgeGraph
from graph.model.validate import sparql_constraint_messages
from graph.read.people import PEOPLE_FILE, PeopleReadError, iter_records, natural_forms, read_record
from graph.read.reader import read_document
from graph.read.registry import Registry
from graph.read.tei import TeiPerson, VolumeInfo, iter_volume

from .conftest import DATA, FIXTURES, SHARED

PEOPLE = FIXTURES / "people"
RECORDS = PEOPLE / "data"
BASE = "https://w3id.org/salt-kg/"
HSG = "https://history.state.gov/historicaldocuments/"
SHIPPED = DATA / PEOPLE_FILE
SHARED_PEOPLE = SHARED / "people"
SHARED_TEI = SHARED / "tei" / "frus1969-76v33-dev.xml"


def record(record_id: str):
    return read_record(next(RECORDS.rglob(f"{record_id}.xml")))


# -- reading records ----------------------------------------------------------------------------------

def test_a_record_gives_id_names_descriptions_volumes_and_pages():
    aaron = record("100001")
    assert (aaron.id, aaron.preferred, aaron.label) == ("100001", "Aaron, David Laurence", "David Laurence Aaron")
    assert aaron.variants() == ["David Aaron", "David L. Aaron"]
    assert aaron.birth_year == 1938 and aaron.death_year is None
    assert aaron.department_pages == ["https://history.state.gov/departmenthistory/people/aaron-david-laurence"]
    assert "frus1969-76v33" in aaron.volumes and "frus1977-80v30" in aaron.volumes
    entry = next(e for e in aaron.entries if e.volume == "frus1969-76v39")
    assert (entry.entry, entry.url) == ("p_AD1", HSG + "frus1969-76v39/persons#p_AD1")
    assert len(aaron.urls) == 17 and len(set(aaron.urls)) == 17, "every page once, none left out"
    salt = next(r for r in aaron.remarks if r.text.startswith("United States Delegation to SALT"))
    assert salt.urls == [HSG + "frus1969-76v39/persons#p_AD1"]
    assert len(aaron.remarks) == 9


@pytest.mark.parametrize("printed, forms", [
    ("Smith, Gerard C.", ["Gerard C. Smith"]),
    ("Irwin, John M., II", ["John M. Irwin II"]),
    ("Irwin, John N. II", ["John N. Irwin II"]),
    ("Abrams, Major General Creighton W.", ["Creighton W. Abrams"]),
    ("Kornienko (Korniyenko), Georgi M.", ["Georgi M. Kornienko", "Georgi M. Korniyenko"]),
    ("Jackson, Henry M. (Scoop)", ["Henry M. Jackson", "Scoop Jackson"]),
    ("Thompson, Llewellyn E. “Tommy ”", ["Llewellyn E. Thompson", "Tommy Thompson"]),
    ("Deng Xiaoping (Teng Hsiao-ping)", ["Deng Xiaoping", "Teng Hsiao-ping"]),
    ("Teng Hsiao-p’ing.", ["Teng Hsiao-p’ing"]),
    ("Henry A. Kissinger", ["Henry A. Kissinger"]),
])
def test_printed_names_in_natural_order(printed, forms):
    assert natural_forms(printed) == forms


def test_two_titles_and_a_suffix():
    abrams = record("100056")
    assert abrams.label == "Creighton W. Abrams Jr."
    assert [t.text for t in abrams.titles] == ["General", "Major General"]


def test_bad_records_are_reported_with_file_and_line_and_the_rest_go_on():
    errors: list[str] = []
    ids = [r.id for r in iter_records(PEOPLE, errors)]
    assert ids == ["100001", "100056", "103352", "103539", "107252", "112616", "112666"]
    assert len(errors) == 4
    assert any(e.startswith(str(PEOPLE / "broken" / "100900.xml") + ":12: not well-formed XML") for e in errors)
    assert any(e.startswith(str(PEOPLE / "broken" / "100901.xml") + ":2: no numeric <id>") for e in errors)
    assert any(e.startswith(str(PEOPLE / "broken" / "100902.xml") + ":11: <birth-year> is not a year") for e in errors)
    assert any("107252-copy.xml:3: id 107252 already read from" in e for e in errors)
    with pytest.raises(PeopleReadError, match="no such folder"):
        list(iter_records(PEOPLE / "missing", []))


# -- importing -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def imported(tmp_path_factory, registry):
    out = tmp_path_factory.mktemp("people") / "hsg-people.ttl.gz"
    report = import_people(RECORDS, Settings(data_dir=DATA), registry=registry, out=out)
    store = ox.Store()
    store.load(input=gzip.decompress(out.read_bytes()), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    return report, store


def values(store: ox.Store, subject: str, predicate: str) -> list[str]:
    return sorted(q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None))


def test_kissinger_smith_and_dobrynin_join_their_curated_iris(imported):
    report, store = imported
    assert report.records == 7 and report.errors == []
    assert report.merged == {"107252": BASE + "person/kissinger", "112616": BASE + "person/smith-gerard",
                             "103539": BASE + "person/dobrynin"}
    assert values(store, BASE + "person/kissinger", "https://w3id.org/salt-kg/ontology#hsgPersonId") == ["107252"]
    assert HSG + "frus1969-76v32/persons#p_KHA1" in values(store, BASE + "person/kissinger",
                                                             "http://www.w3.org/2000/01/rdf-schema#seeAlso")
    assert "Anatoly Fyodorovich Dobrynin" in values(store, BASE + "person/dobrynin",
                                                     "http://www.w3.org/2004/02/skos/core#altLabel")
    assert values(store, BASE + "person/kissinger", "http://www.w3.org/2000/01/rdf-schema#label") == [], \
        "a joined person keeps its curated label; the database adds, never relabels"


def test_unmatched_persons_get_iris_minted_like_the_tei_importers(imported):
    report, store = imported
    assert report.minted == 4
    russell = BASE + "person/smith-russell"
    assert values(store, russell, "http://www.w3.org/2000/01/rdf-schema#label") == ["Russell Jack Smith"]
    assert values(store, russell, "http://xmlns.com/foaf/0.1/familyName") == ["Smith"]
    deng = BASE + "person/deng-xiaoping"
    assert values(store, deng, "http://xmlns.com/foaf/0.1/familyName") == [], "no comma: the order is unknown"
    assert "Teng Hsiao-ping" in values(store, deng, "http://www.w3.org/2004/02/skos/core#altLabel")


def test_every_description_cites_the_pages_that_print_it(imported):
    _, store = imported
    aaron = BASE + "person/aaron-david"
    nodes = values(store, aaron, "https://w3id.org/salt-kg/ontology#printedDescription")
    assert len(nodes) == 9
    texts = {values(store, n, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value")[0]:
             values(store, n, "http://purl.org/dc/terms/source") for n in nodes}
    salt = next(t for t in texts if t.startswith("United States Delegation to SALT"))
    assert texts[salt] == [HSG + "frus1969-76v39/persons#p_AD1"]
    assert values(store, aaron, "http://purl.org/dc/terms/source") == [
        "https://github.com/HistoryAtState/people/blob/4d7a5782ad602d69dafd3b0e24c6a60b6f2ba80a/"
        "data/100000/1/0/0/0/100001.xml"]


def test_the_imported_file_meets_the_people_shapes(imported):
    _, store = imported
    shapes = Settings().ontology_dir / "shapes.ttl"
    for curated in sorted((DATA / "curated").glob("*.ttl")):
        store.load(path=str(curated), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    assert sparql_constraint_messages(store, shapes) == []
    bad = ox.NamedNode(BASE + "person/aaron-david")
    store.add(ox.Quad(bad, ox.NamedNode("https://w3id.org/salt-kg/ontology#hsgPersonId"), ox.Literal("10000x")))
    assert any("person/aaron-david: a history.state.gov person id is not a number" in m
               for m in sparql_constraint_messages(store, shapes))


def test_several_records_fitting_one_curated_person_only_the_one_it_cites_joins(registry, tmp_path):
    smith = (RECORDS / "100000/1/1/2/6/112616.xml").read_text(encoding="utf-8")
    other = (smith.replace("<id>112616</id>", "<id>199999</id>")
             .replace("frus1969-76v32/persons", "frus1969-76v99/persons")
             .replace("frus1969-76v14/persons", "frus1969-76v98/persons"))
    (tmp_path / "112616.xml").write_text(smith, encoding="utf-8")
    (tmp_path / "199999.xml").write_text(other, encoding="utf-8")
    records = list(iter_records(tmp_path, []))
    match = match_records(records, registry)
    assert match.merged == {"112616": BASE + "person/smith-gerard"}
    assert match.iris["199999"] == BASE + "person/smith-gerard-199999"
    assert any("record 199999" in n and "not merged" in n for n in match.notes)


def test_nothing_is_written_when_no_record_can_be_read(tmp_path, registry):
    out = tmp_path / "people.ttl.gz"
    report = import_people(PEOPLE / "broken" / "100900.xml", Settings(data_dir=DATA), registry=registry, out=out)
    assert not out.exists() and report.bytes == 0 and len(report.errors) == 2


def test_import_people_command(tmp_path, capsys):
    out = tmp_path / "people.ttl.gz"
    assert main(["import-people", str(PEOPLE), "-o", str(out)]) == 0
    printed = capsys.readouterr()
    assert "7 records read, 4 failed" in printed.out and "dobrynin, kissinger, smith-gerard" in printed.out
    assert "100900.xml:12: not well-formed XML" in printed.err and out.exists()
    assert main(["import-people", str(PEOPLE), "-o", str(out), "--strict"]) == 1


# -- the registry ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def people_registry() -> Registry:
    return Registry.load(Settings(data_dir=DATA), people=True)


def test_the_registry_carries_the_shipped_database_apart(people_registry, registry):
    db = people_registry.people_db
    assert len(db.persons) == 4322 and registry.people_db is None
    kissinger = people_registry.entities[BASE + "person/kissinger"]
    assert (kissinger.hsg_id, kissinger.origin) == ("107252", "curated") and "frus1969-76v32" in kissinger.volumes
    assert db.entry("frus1969-76v32", "p_SGC1").iri == BASE + "person/smith-gerard"
    aaron = db.persons[db.by_id["100001"]]
    assert (aaron.origin, aaron.family_name) == ("people-db", "Aaron") and "frus1969-76v33" in aaron.volumes
    assert len(db.listed_in("frus1969-76v32")) == 173, "as the records' README counts"
    assert people_registry.alias_index == registry.alias_index, "no database name is matched by default"


def test_each_volumes_list_is_every_entry_of_that_volume_once_by_iri(people_registry):
    """listed_in reads an index built once; it gives what a scan of every entry gives, for every volume."""
    db = people_registry.people_db
    volumes = sorted({volume for volume, _ in db.entries})
    assert len(volumes) > 200
    for volume in volumes + ["frus-no-such-volume"]:
        scanned = {db.persons[iri].iri: db.persons[iri] for (v, _), iri in db.entries.items() if v == volume}
        assert db.listed_in(volume) == sorted(scanned.values(), key=lambda e: e.iri), volume
    db.listed_in("frus1969-76v32").clear()  # a caller's copy: the index is not changed through it
    assert len(db.listed_in("frus1969-76v32")) == 173


def test_text_entities_give_bare_surnames_only_for_the_volumes_list(people_registry):
    db = people_registry.people_db
    anywhere = {e.iri: e for e in db.text_entities()}
    listed = {e.iri: e for e in db.text_entities("frus1969-76v33")}
    aaron = db.by_id["100001"]
    assert "Aaron" not in anywhere[aaron].aliases and "David Aaron" in anywhere[aaron].aliases
    assert "Aaron" in listed[aaron].aliases
    assert all(" " in a for e in anywhere.values() for a in e.aliases if a != e.label)


def test_extraction_reads_the_people_database_without_flooding(people_registry, registry):
    from graph.read.reader import read_text
    text = ("900. Memorandum for the Record1\n\nWashington, May 2, 1972.\n\nDavid L. Aaron and Kissinger "
            "discussed mobile ICBMs. Aaron said the Soviets would press for a freeze. Brown agreed.\n\n"
            "  1. Source: National Archives. Secret.\n")
    document = read_text(Path("d900.txt"), text, {"volume": "frus1969-76v32"})
    with_people = extract(document, people_registry)
    targets = {people_registry.relative(m.target) for m in with_people.mentions if m.kind == "person"}
    aaron = people_registry.relative(people_registry.people_db.by_id["100001"])
    assert aaron in targets, "a full printed name of a database person is that person"
    assert "person/kissinger" in targets, "curated people are read as before"
    assert not any(m.text == "Brown" for m in with_people.mentions), "a bare common surname names no one"
    plain = {registry.relative(m.target) for m in extract(document, registry).mentions if m.kind == "person"}
    assert aaron not in plain


def test_curated_readings_are_unchanged_by_the_people_database(people_registry, registry):
    paths = sorted((DATA / "corpus").glob("*.txt")) + sorted((FIXTURES / "corpus").glob("*.txt"))
    for path in paths:
        document = read_document(path)
        curated = {(m.start, m.end, m.target) for m in extract(document, registry).mentions
                   if m.kind == "person" and m.target in registry.entities}
        with_people = {(m.start, m.end, m.target) for m in extract(document, people_registry).mentions
                       if m.kind == "person"}
        assert curated <= with_people, path.name


def test_a_volumes_persons_list_joins_the_database_by_entry_id(people_registry, registry):
    volume = VolumeInfo("frus1969-76v32", Path("frus1969-76v32.xml"))
    persons = [TeiPerson("p_SGC1", "Smith, Gerard C.", "Smith", "Gerard C.", [], None, None, None, ""),
               TeiPerson("p_SRJ1", "Smith, R. Jack", "Smith", "R. Jack", [], None, None, None, ""),
               TeiPerson("p_ZZ_9", "Quill, John", "Quill", "John", [], None, None, None, "")]
    match = match_persons(persons, people_registry, volume)
    assert match.iris["p_SGC1"] == BASE + "person/smith-gerard"
    russell = people_registry.people_db.by_id["112666"]
    assert match.iris["p_SRJ1"] == russell, "R. Jack Smith: the entry id says who, not the initials"
    assert dict(match.minted)["p_ZZ_9"] == BASE + "person/quill-john"
    assert match_persons(persons, registry, volume).iris["p_SRJ1"] != russell, "without the database: the rule alone"


# -- the shipped file in the build, and link coverage --------------------------------------------------------

def test_the_shipped_file_is_compact():
    assert SHIPPED.is_file() and SHIPPED.stat().st_size < 1_500_000


def test_the_build_loads_the_people_graph(built_seed):
    kg = KnowledgeGraph.open(built_seed.store_path)
    assert people_graph(BASE).value in kg.named_graphs()
    rows = kg.select(f"""
        SELECT ?id ?page WHERE {{ GRAPH <{BASE}graph/people> {{
          <{BASE}person/kissinger> <https://w3id.org/salt-kg/ontology#hsgPersonId> ?id ;
                                   <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?page }} }}""")
    assert {r["id"] for r in rows} == {"107252"}
    assert "https://history.state.gov/departmenthistory/people/kissinger-henry-a" in {r["page"] for r in rows}
    report = json.loads((built_seed.build_dir / "build.json").read_text())
    assert report["conforms"] is True
    loaded = {r["p"] for r in kg.select(f"""SELECT DISTINCT ?p WHERE {{ GRAPH <{BASE}graph/people> {{
        ?p <https://w3id.org/salt-kg/ontology#hsgPersonId> ?id }} }}""")}
    curated = {r["p"] for r in kg.select(f"""SELECT ?p WHERE {{ GRAPH <{BASE}graph/curated> {{
        ?p a <http://xmlns.com/foaf/0.1/Person> }} }}""")}
    named = {r["p"] for r in kg.select("""SELECT DISTINCT ?p WHERE { ?d <https://schema.org/mentions> ?p }""")}
    assert curated <= loaded <= curated | named, "the curated people and those the documents name, no others"
    assert len(loaded) < 200, "not the whole database's 4,322 people"
    assert {BASE + "person/pleshakov-petr", BASE + "person/spiers-ronald"} <= loaded, \
        "people named in the shipped documents are read as the database's persons"


LINKED = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?person (SAMPLE(?page) AS ?link) WHERE {{
  {listed}
  OPTIONAL {{ ?person rdfs:seeAlso ?page FILTER (STRSTARTS(STR(?page), "https://history.state.gov/")) }}
}} GROUP BY ?person"""


def coverage(kg: KnowledgeGraph, listed: str) -> tuple[int, int]:
    rows = kg.select(LINKED.format(listed=listed))
    return sum(1 for r in rows if r["link"]), len(rows)


def test_curated_people_link_to_history_state_gov(built_seed):
    kg = KnowledgeGraph.open(built_seed.store_path)
    linked, listed = coverage(kg, f"GRAPH <{BASE}graph/curated> {{ ?person a <http://xmlns.com/foaf/0.1/Person> }}")
    assert listed >= 30 and linked / listed >= 0.95, f"{linked} of {listed} curated people"


@pytest.mark.skipif(not SHARED_TEI.exists(), reason="../shared/tei is absent")
def test_the_tei_samples_persons_list_links_out(tmp_path):
    from graph.model.build import build
    settings = Settings(data_dir=DATA, build_dir=tmp_path / "build")
    report = build(settings, [SHARED_TEI], include_corpus=False, progress=False, validate=False)
    assert report.volumes[0]["persons_new"] == 0
    kg = KnowledgeGraph.open(settings.store_path)
    persons = [p.id for kind, item in iter_volume(SHARED_TEI) if kind == "persons" for p in item]
    listed = " ".join(f'"frus1969-76v33#{p}"' for p in persons)
    linked, total = coverage(kg, f"VALUES ?id {{ {listed} }} ?person <http://purl.org/dc/terms/identifier> ?id")
    assert total == len(persons) == 140 and linked / total >= 0.95, f"{linked} of {total}"
    loaded = kg.select(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ GRAPH <{BASE}graph/people> {{ ?p a ?type }} }}")
    assert 140 - 31 <= int(loaded[0]["n"]) < 4322, "the volume's people are loaded, not the whole database"


@pytest.mark.skipif(not SHARED_PEOPLE.exists(), reason="../shared/people is absent")
def test_the_shipped_file_is_what_the_records_give(people_registry):
    errors: list[str] = []
    records = {r.id: r for r in iter_records(SHARED_PEOPLE, errors)}
    assert errors == [] and set(records) == set(people_registry.people_db.by_id)
    for record_id in ("100001", "107252", "112616", "103539"):
        entity = people_registry.people_db.persons[people_registry.people_db.by_id[record_id]]
        assert entity.volumes == records[record_id].volumes


def test_importing_twice_writes_the_same_bytes(tmp_path, registry):
    first, second = tmp_path / "first.ttl.gz", tmp_path / "second.ttl.gz"
    import_people(RECORDS, Settings(data_dir=DATA), registry=registry, out=first)
    import_people(RECORDS, Settings(data_dir=DATA), registry=registry, out=second)
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.skipif(not SHARED_PEOPLE.exists(), reason="../shared/people is absent")
def test_the_shipped_file_is_up_to_date(tmp_path, registry):
    fresh = tmp_path / "hsg-people.ttl.gz"
    import_people(SHARED_PEOPLE, Settings(data_dir=DATA), registry=registry, out=fresh)
    assert fresh.read_bytes() == SHIPPED.read_bytes(), (
        "data/people/hsg-people.ttl.gz is stale (the curated people or the importer changed): "
        "run `saltkg import-people ../shared/people`")


def test_names_found_in_text_can_be_looked_up_before_minting(people_registry):
    db = people_registry.people_db
    dobrynin = db.named("Anatoly Fyodorovich Dobrynin")
    assert [e.iri for e in dobrynin] == [BASE + "person/dobrynin"]
    assert [e.iri for e in db.named("Aaron", "frus1969-76v33")] == [db.by_id["100001"]]
    assert db.named("Aaron") == [] and db.named("Aaron", "frus1969-76v32") == [], \
        "a bare surname only among the volume's own persons list"
