"""SHACL shapes compiled into SPARQL queries that Oxigraph answers over the whole store.

Each constraint of a shape becomes one query listing the focus nodes that violate it, so validation
costs a few index scans instead of copying the graph into rdflib for pySHACL. The compiler covers the
SHACL Core components the project's shapes use and the common ones around them (targets by class with
subclasses, subjects-of, objects-of and node; class, datatype with well-formedness, nodeKind, in,
hasValue, value ranges, lengths, pattern; min/max counts, qualified counts; and, or, not, xone, node,
nested property shapes; inverse paths; sh:sparql SELECT constraints). A shape using anything else
raises `Unsupported`, and the caller validates that shape with pySHACL instead: nothing is skipped.

Expressions are written so that an evaluation error counts as "does not conform" (SHACL's reading),
never as "no violation": every condition is wrapped in COALESCE(…, false).
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
CASTABLE = {XSD + name for name in ("string", "boolean", "integer", "decimal", "float", "double", "date", "dateTime",
                                    "time", "gYear", "gYearMonth", "gMonthDay", "gDay", "gMonth", "duration",
                                    "dayTimeDuration", "yearMonthDuration")}
NODE_KINDS = {"IRI": "isIRI({x})", "BlankNode": "isBlank({x})", "Literal": "isLiteral({x})",
              "BlankNodeOrIRI": "!isLiteral({x})", "BlankNodeOrLiteral": "!isIRI({x})", "IRIOrLiteral": "!isBlank({x})"}
COMPARISONS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
MAX_COUNTED = 4  # min/max counts up to this many distinct values are compiled; larger ones go to pySHACL
# what a shape may say besides constraints (anything else unknown makes it Unsupported)
DESCRIPTIVE = {"name", "description", "message", "severity", "order", "group", "defaultValue", "targetClass",
               "targetNode", "targetSubjectsOf", "targetObjectsOf", "deactivated", "path"}


class Unsupported(Exception):
    """A shape uses something this compiler does not translate; validate it with pySHACL."""


@dataclass
class Check:
    """One constraint of one shape as a query whose rows (?this) are the violating focus nodes."""

    shape: str
    component: str
    path: str
    message: str
    query: str


class Compiler:
    """Turns the shapes of an rdflib shapes graph into `Check`s over a given store."""

    def __init__(self, shapes, store: ox.Store):
        import rdflib
        self.shapes = shapes
        self.store = store
        self.sh = rdflib.Namespace(SH)
        self.names = itertools.count()
        self.subclass_cache: dict[str, list[str]] = {}
        self.root = None
        self.fast: dict[str, str] = {}

    # -- helpers --------------------------------------------------------------------------------

    def var(self, stem: str = "v") -> str:
        return f"?sh_{stem}{next(self.names)}"

    def value(self, node, name: str):
        return self.shapes.value(node, self.sh[name])

    def values(self, node, name: str) -> list:
        return list(self.shapes.objects(node, self.sh[name]))

    def items(self, node) -> list:
        import rdflib
        return list(rdflib.collection.Collection(self.shapes, node))

    def subclasses(self, cls: str) -> list[str]:
        """The class and every class below it by rdfs:subClassOf in the data (SHACL's sh:class reading)."""
        if cls not in self.subclass_cache:
            rows = self.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls}> }}",
                                    use_default_graph_as_union=True)
            found = {row["c"].value for row in rows if isinstance(row["c"], ox.NamedNode)} | {cls}
            self.subclass_cache[cls] = sorted(found)
        return self.subclass_cache[cls]

    def triple(self, subject: str, path, obj: str) -> str:
        """A triple pattern along a predicate or an inverse predicate path."""
        import rdflib
        if isinstance(path, rdflib.URIRef):
            return f"{subject} <{path}> {obj} ."
        inverse = self.value(path, "inversePath")
        if isinstance(inverse, rdflib.URIRef) and len(set(self.shapes.predicate_objects(path))) == 1:
            return f"{obj} <{inverse}> {subject} ."
        raise Unsupported(f"path {path!r}")

    @staticmethod
    def distinct(names: list[str]) -> str:
        pairs = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        return f"FILTER ({' && '.join(pairs)})" if pairs else ""

    def at_least(self, x: str, path, n: int, condition=None) -> str:
        """An expression: `x` has at least n distinct values along `path` (meeting `condition`)."""
        if n <= 0:
            return "true"
        if n > MAX_COUNTED:
            raise Unsupported(f"count {n}")
        names = [self.var() for _ in range(n)]
        patterns = " ".join(self.triple(x, path, name) for name in names)
        filters = " ".join(f"FILTER ({condition(name)})" for name in names) if condition else ""
        return f"EXISTS {{ {patterns} {filters} {self.distinct(names)} }}"

    def faster(self, expression: str, pattern: str) -> str:
        """Remember a group pattern that lists the same violating focus nodes as FILTER(expression)
        but is evaluated once and hash-joined with the targets: Oxigraph looks a pattern up per focus
        node about ten times slower than it scans the whole predicate."""
        self.fast[expression] = pattern
        return expression

    # -- constraints ----------------------------------------------------------------------------

    def value_conditions(self, shape, x: str) -> list[tuple[str, str]]:
        """(component, expression true when `x` violates it) for the constraints on a value node."""
        import rdflib
        found = []
        for cls in self.values(shape, "class"):
            t = self.var("t")
            typed = f"VALUES {t} {{ {' '.join(f'<{c}>' for c in self.subclasses(str(cls)))} }} {x} <{RDF_TYPE}> {t}"
            found.append(("ClassConstraintComponent", self.faster(f"!COALESCE(EXISTS {{ {typed} }}, false)", f"MINUS {{ {typed} }}")))
        for datatype in self.values(shape, "datatype"):
            check = f"isLiteral({x}) && sameTerm(datatype({x}), <{datatype}>)"
            if str(datatype) in CASTABLE:
                check += f" && isLiteral(<{datatype}>(STR({x})))"  # well-formed, as SHACL requires
            found.append(("DatatypeConstraintComponent", f"!COALESCE({check}, false)"))
        for kind in self.values(shape, "nodeKind"):
            name = str(kind).removeprefix(SH)
            if name not in NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {kind}")
            found.append(("NodeKindConstraintComponent", f"!({NODE_KINDS[name].format(x=x)})"))
        for listed in self.values(shape, "in"):
            terms = " || ".join(f"sameTerm({x}, {term.n3()})" for term in self.items(listed)) or "false"
            found.append(("InConstraintComponent", f"!({terms})"))
        for name, operator in COMPARISONS.items():
            for bound in self.values(shape, name):
                found.append((name[0].upper() + name[1:] + "ConstraintComponent",
                              f"!COALESCE({x} {operator} {bound.n3()}, false)"))
        for length in self.values(shape, "minLength"):
            found.append(("MinLengthConstraintComponent", f"!COALESCE(!isBlank({x}) && STRLEN(STR({x})) >= {int(length)}, false)"))
        for length in self.values(shape, "maxLength"):
            found.append(("MaxLengthConstraintComponent", f"!COALESCE(!isBlank({x}) && STRLEN(STR({x})) <= {int(length)}, false)"))
        for pattern in self.values(shape, "pattern"):
            flags = self.value(shape, "flags")
            arguments = f"{rdflib.Literal(str(pattern)).n3()}" + (f", {rdflib.Literal(str(flags)).n3()}" if flags else "")
            found.append(("PatternConstraintComponent", f"!COALESCE(!isBlank({x}) && REGEX(STR({x}), {arguments}), false)"))
        for member in self.values(shape, "or"):
            found.append(("OrConstraintComponent", "!(" + " || ".join(self.conforms(m, x) for m in self.items(member)) + ")"))
        for member in self.values(shape, "and"):
            found.append(("AndConstraintComponent", "!(" + " && ".join(self.conforms(m, x) for m in self.items(member)) + ")"))
        for member in self.values(shape, "xone"):
            total = " + ".join(f"IF({self.conforms(m, x)}, 1, 0)" for m in self.items(member))
            found.append(("XoneConstraintComponent", f"!COALESCE(({total}) = 1, false)"))
        for member in self.values(shape, "not"):
            found.append(("NotConstraintComponent", self.conforms(member, x)))
        for member in self.values(shape, "node"):
            found.append(("NodeConstraintComponent", f"!{self.conforms(member, x)}"))
        return found

    def property_conditions(self, shape, x: str) -> list[tuple[str, str]]:
        """(component, violation expression) for a property shape's constraints on focus `x`."""
        path = self.value(shape, "path")
        if self.values(shape, "property"):
            raise Unsupported("sh:property on a property shape's values (their own focus nodes)")
        found = []
        for count in self.values(shape, "minCount"):
            violated = f"!{self.at_least(x, path, int(count))}"
            if int(count) == 1:
                violated = self.faster(violated, f"MINUS {{ {self.triple(x, path, self.var())} }}")
            found.append(("MinCountConstraintComponent", violated))
        for count in self.values(shape, "maxCount"):
            value = self.var()
            found.append(("MaxCountConstraintComponent", self.faster(
                self.at_least(x, path, int(count) + 1),
                f"{{ SELECT {x} WHERE {{ {self.triple(x, path, value)} }} GROUP BY {x} HAVING (COUNT(DISTINCT {value}) > {int(count)}) }}")))
        for expected in self.values(shape, "hasValue"):
            found.append(("HasValueConstraintComponent", f"NOT EXISTS {{ {self.triple(x, path, expected.n3())} }}"))
        qualified = self.value(shape, "qualifiedValueShape")
        if qualified is not None:
            if self.value(shape, "qualifiedValueShapesDisjoint") is not None and bool(self.value(shape, "qualifiedValueShapesDisjoint").toPython()):
                raise Unsupported("sh:qualifiedValueShapesDisjoint")
            matching = lambda v: self.conforms(qualified, v)  # noqa: E731
            for count in self.values(shape, "qualifiedMinCount"):
                found.append(("QualifiedMinCountConstraintComponent", f"!{self.at_least(x, path, int(count), matching)}"))
            for count in self.values(shape, "qualifiedMaxCount"):
                found.append(("QualifiedMaxCountConstraintComponent", self.at_least(x, path, int(count) + 1, matching)))
        value = self.var()
        for component, violated in self.value_conditions(shape, value):
            along = self.triple(x, path, value)
            pattern = f"{along} FILTER ({violated})"
            scan = f"{along} {self.fast[violated]}" if component == "ClassConstraintComponent" else pattern
            found.append((component, self.faster(f"EXISTS {{ {pattern} }}", f"{{ SELECT DISTINCT {x} WHERE {{ {scan} }} }}")))
        return found

    def conditions(self, shape, x: str) -> list[tuple[str, str, str]]:
        """Every (component, result path, violation expression) of a shape for the node `x`."""
        self.check_known(shape)
        if self.values(shape, "sparql") and shape != self.root:
            raise Unsupported("sh:sparql on a nested shape")
        if self.value(shape, "deactivated") is not None and bool(self.value(shape, "deactivated").toPython()):
            return []
        path = self.value(shape, "path")
        if path is not None:
            return [(c, str(path), v) for c, v in self.property_conditions(shape, x)]
        found = [(c, "", v) for c, v in self.value_conditions(shape, x)]
        for nested in self.values(shape, "property"):
            found.extend(self.conditions(nested, x))
        return found

    def conforms(self, shape, x: str) -> str:
        """An expression: `x` conforms to the shape (used inside or/and/not/xone/node)."""
        violations = [violated for _, _, violated in self.conditions(shape, x)]
        return "!(" + " || ".join(f"COALESCE({v}, true)" for v in violations) + ")" if violations else "true"

    def check_known(self, shape) -> None:
        known = DESCRIPTIVE | {"class", "datatype", "nodeKind", "in", "minLength", "maxLength", "pattern", "flags",
                               "or", "and", "xone", "not", "node", "property", "minCount", "maxCount", "hasValue",
                               "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount",
                               "qualifiedValueShapesDisjoint", "sparql"} | set(COMPARISONS)
        for predicate in self.shapes.predicates(shape):
            if str(predicate).startswith(SH) and str(predicate).removeprefix(SH) not in known:
                raise Unsupported(f"sh:{str(predicate).removeprefix(SH)}")

    # -- shapes ---------------------------------------------------------------------------------

    def targets(self, shape) -> str | None:
        """A group pattern binding ?this to each focus node of the shape (None: no target)."""
        import rdflib
        if (shape, rdflib.RDF.type, rdflib.RDFS.Class) in self.shapes or self.value(shape, "target") is not None:
            raise Unsupported("implicit class target or SPARQL-based target")
        parts = []
        classes = sorted({c for cls in self.values(shape, "targetClass") for c in self.subclasses(str(cls))})
        if classes:
            parts.append(f"VALUES ?sh_target {{ {' '.join(f'<{c}>' for c in classes)} }} ?this <{RDF_TYPE}> ?sh_target .")
        parts += [f"?this <{p}> ?sh_object ." for p in self.values(shape, "targetSubjectsOf")]
        parts += [f"?sh_subject <{p}> ?this ." for p in self.values(shape, "targetObjectsOf")]
        nodes = self.values(shape, "targetNode")
        if nodes:
            parts.append(f"VALUES ?this {{ {' '.join(n.n3() for n in nodes)} }}")
        return " UNION ".join(f"{{ {p} }}" for p in parts) if parts else None

    def sparql_checks(self, shape, target: str) -> list[tuple[str, str, str]]:
        """sh:sparql SELECT constraints: (message, where-body) run once over every focus node."""
        found = []
        for node in self.values(shape, "sparql"):
            select = str(self.value(node, "select"))
            if self.value(node, "prefixes") is not None or "$PATH" in select or "$currentShape" in select:
                raise Unsupported("sh:sparql with prefixes or pre-bound variables")
            body = select.replace("$this", "?this")
            where = body[body.index("{") + 1:body.rindex("}")]
            message = str(self.value(node, "message") or "SPARQL constraint")
            found.append((message, f"SELECT DISTINCT ?this WHERE {{ {target} {where} }}", "SPARQLConstraintComponent"))
        return found

    def compile(self, shape) -> list[Check]:
        """The checks of one node or property shape with targets."""
        self.root = shape
        deactivated = self.value(shape, "deactivated")
        if deactivated is not None and bool(deactivated.toPython()):
            return []
        target = self.targets(shape)
        if target is None:
            return []
        name = str(shape)
        checks = []
        for component, path, violated in self.conditions(shape, "?this"):
            message = str(self.value(shape, "message") or component.removesuffix("ConstraintComponent"))
            if violated in self.fast:
                query = f"SELECT DISTINCT ?this WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {target} }} }} {self.fast[violated]} }}"
            else:
                query = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER ({violated}) }}"
            checks.append(Check(name, component, path, message, query))
        for message, query, component in self.sparql_checks(shape, target):
            checks.append(Check(name, component, str(self.value(shape, "path") or ""), message, query))
        return checks


def compile_shapes(shapes, store: ox.Store) -> tuple[list[Check], list]:
    """The checks of every shape with targets, and the shapes left for pySHACL (Unsupported)."""
    import rdflib
    sh = rdflib.Namespace(SH)
    compiler = Compiler(shapes, store)
    roots = sorted({s for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
                    for s in shapes.subjects(sh[p], None)} | set(shapes.subjects(rdflib.RDF.type, rdflib.RDFS.Class))
                   & set(shapes.subjects(rdflib.RDF.type, sh.NodeShape)), key=str)
    checks, left = [], []
    for shape in roots:
        try:
            checks.extend(compiler.compile(shape))
        except Unsupported:
            left.append(shape)
    return checks, left


def run_checks(store: ox.Store, checks: list[Check], threads: int | None = None) -> list[tuple[Check, str, str]]:
    """Run every check on Oxigraph; (check, focus node's value, focus node in N-Triples) per violation, in
    the checks' order. Checks run side by side on threads (Oxigraph evaluates without holding the GIL),
    the likely long ones started first so that none is left running alone at the end."""
    threads = threads or min(4, os.cpu_count() or 1)
    if threads == 1 or len(checks) < 2:
        return [row for check in checks for row in violations(store, check)]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="saltkg-shacl") as pool:
        started = {n: pool.submit(violations, store, checks[n]) for n in likely_longest_first(checks)}
        return [row for n in range(len(checks)) for row in started[n].result()]


def likely_longest_first(checks: list[Check]) -> list[int]:
    """The checks' positions, SPARQL constraints first: they join several patterns for every focus node
    (the passage-quote rule alone is 40 % of the checks' time on the TEI sample ×100), where the others
    read one path. Started in shape order, the longest began last and ran on one thread alone."""
    return sorted(range(len(checks)), key=lambda n: checks[n].component != "SPARQLConstraintComponent")


def violations(store: ox.Store, check: Check) -> list[tuple[Check, str, str]]:
    """The focus nodes one check finds."""
    found = []
    for row in store.query(check.query, use_default_graph_as_union=True):
        focus = row["this"]
        found.append((check, getattr(focus, "value", str(focus)), str(focus)))
    return found
