"""Full-text search over speaker turns: substrings of the NFKC-normalised, lower-cased text.

Chinese has no spaces between words, so a search term matches wherever its characters occur in a
row (``新质生产力`` inside ``培育新质生产力``). Every term must occur in a turn for it to be a hit.

How it runs (plain SQL over ``turns``, no index table; figures in ``bench/search_bench.py`` and
docs/looking.md): the stored text is not normalised and DuckDB 2.0 cannot run NFKC in SQL (its
Python UDFs need numpy, which the project does not ship; ``translate``/``lower`` over all text
measured an order of magnitude slower). Instead each term becomes an RE2 pattern over the *stored* text whose
character classes hold every character that NFKC + lower turns into the term's character
(:func:`term_pattern`: ``gdp`` -> ``[gGｇＧ][dDｄＤ][pPｐＰ]``), and DuckDB matches (after a ``contains``
prefilter on the term's verbatim pieces, :func:`literal_runs`), counts, scores and ranks with
``regexp_matches`` / ``regexp_extract_all``. Turns holding a character that expands into
several (``℃`` -> ``°c``, ``…`` -> ``...``) or composes, and that could matter for the terms, are
normalised exactly in Python (:func:`normalise_text`) and ranked with the same formula.

Ranking: BM25's term-frequency part (k1 = 1.2, b = 0.75; lengths in code points of the stored text,
the average taken over the matching turns) summed over the terms — more occurrences
rank higher, a short turn (a question) above a long one with the same count — then newer
``event_date``, then ``briefing_id`` and ``turn_no``. There is no IDF: every hit holds every term.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

import duckdb

from briefings.errors import QueryArgumentError, QueryError

__all__ = [
    "SearchHit",
    "DEFAULT_LIMIT",
    "MARK_OPEN",
    "MARK_CLOSE",
    "normalise_text",
    "search_terms",
    "term_pattern",
    "literal_runs",
    "count_occurrences",
    "bm25_score",
    "make_snippet",
    "search_turns",
]

DEFAULT_LIMIT = 20
SNIPPET_CONTEXT = 30  # code points of context on each side of the first match
MARK_OPEN, MARK_CLOSE = "**", "**"
BM25_K1, BM25_B = 1.2, 0.75



@dataclass(frozen=True)
class SearchHit:
    """One turn that contains every search term.

    Attributes:
        rank: 1-based position in the result.
        briefing_id: the briefing (``hubei.gov.cn:t20240326_5134107``).
        session_no, city, event_date, title: the briefing's, from ``briefings``.
        turn_no: 1-based turn in page order (``turns.turn_no``).
        speaker: the person's name, or the journalist's label (``湖北日报记者``).
        role: ``host``, ``guest`` or ``journalist``.
        outlet: journalists' outlet, else None.
        label: the speaker label as written.
        occurrences: how often the terms occur in the normalised turn, summed over terms.
        score: the ranking score (BM25 term-frequency part, summed over terms; higher first).
        snippet: normalised text around the first match, every match wrapped in ``**``; ``…``
            marks a cut.
    """

    rank: int
    briefing_id: str
    session_no: int | None
    city: str | None
    event_date: date | None
    title: str
    turn_no: int
    speaker: str | None
    role: str
    outlet: str | None
    label: str
    occurrences: int
    score: float
    snippet: str

    def as_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready values (date as ISO string, score rounded to 4 places)."""
        return {
            "rank": self.rank, "briefing_id": self.briefing_id, "session_no": self.session_no,
            "city": self.city, "event_date": self.event_date.isoformat() if self.event_date else None,
            "title": self.title, "turn_no": self.turn_no, "speaker": self.speaker, "role": self.role,
            "outlet": self.outlet, "label": self.label, "occurrences": self.occurrences,
            "score": round(self.score, 4), "snippet": self.snippet,
        }


def normalise_text(text: str) -> str:
    """NFKC-normalise and lower-case ``text`` (full-width ``ＧＤＰ（％）`` -> ``gdp(%)``)."""
    return unicodedata.normalize("NFKC", text).lower()


def search_terms(text: str) -> tuple[str, ...]:
    """Split a search string into normalised terms.

    Args:
        text: what the user typed; terms are separated by white space (ASCII or U+3000).
    Returns:
        The distinct terms after :func:`normalise_text`, in typed order.
    Raises:
        QueryArgumentError: no term is left (empty or blank search).
    """
    terms = tuple(dict.fromkeys(normalise_text(text).split()))
    if not terms:
        raise QueryArgumentError("search text is empty: give at least one word")
    return terms


def count_occurrences(norm: str, term: str) -> int:
    """Non-overlapping occurrences of ``term`` in ``norm`` (as SQL counts them with ``replace``)."""
    return norm.count(term)


def bm25_score(counts: Sequence[int], length: int, avg_length: float) -> float:
    """BM25 term-frequency score summed over terms (no IDF).

    Args:
        counts: occurrences of each term in the turn.
        length: the turn's stored text length, code points.
        avg_length: mean length of the turns that match, code points (> 0).
    Returns:
        sum of tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg_length)).
    """
    norm = BM25_K1 * (1 - BM25_B + BM25_B * length / avg_length)
    return sum(tf * (BM25_K1 + 1) / (tf + norm) for tf in counts)


def make_snippet(norm: str, terms: Sequence[str], *, context: int = SNIPPET_CONTEXT, original: str | None = None) -> str:
    """Cut the turn around the first match and wrap every match inside the cut in ``**``.

    Args:
        norm: the normalised turn text (:func:`normalise_text`); matches are found in it.
        terms: the normalised search terms; at least one occurs in ``norm``.
        context: code points kept before the first match and after the last marked one.
        original: the turn as published. When it has as many code points as ``norm`` (no
            character expanded under NFKC, the usual case), the snippet shows the published text
            (``GDP``, full-width ``，``); otherwise the normalised one.
    Returns:
        One line (newlines become spaces), ``…`` where the text was cut; the start of the text
        unmarked when no term occurs.
    """
    display = original if original is not None and len(original) == len(norm) else norm
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    first = pattern.search(norm)
    if first is None:
        return display[: 2 * context].replace("\n", " ")
    start = max(first.start() - context, 0)
    end = min(first.end() + context, len(norm))
    # extend to include a match that starts inside the window
    for m in pattern.finditer(norm, first.end()):
        if m.start() >= end:
            break
        end = min(max(end, m.end() + 10), len(norm))
    pieces, pos = [], start
    for m in pattern.finditer(norm, start, end):
        pieces += [display[pos : m.start()], MARK_OPEN, display[m.start() : m.end()], MARK_CLOSE]
        pos = m.end()
    pieces.append(display[pos:end])
    window = "".join(pieces)
    return ("…" if start > 0 else "") + window.replace("\n", " ") + ("…" if end < len(norm) else "")


@functools.lru_cache(maxsize=1)
def _normal_forms() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """How NFKC + lower maps single characters (planes 0-2, where every compatibility character is).

    Returns:
        (preimages, expanding): ``preimages[c]`` = other characters that become exactly ``c``
        (``g`` <- ``G``, ``ｇ``, ``Ｇ``; ``工`` <- Kangxi ``⼯``); ``expanding[x]`` = the form of a character
        that becomes several or depends on its neighbours (``①`` stays single; ``℃`` -> ``°c``,
        ``…`` -> ``...``, combining marks, Hangul jamo, capital sigma).
    """
    preimages: dict[str, list[str]] = {}
    expanding: dict[str, str] = {}
    for cp in range(0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        form = unicodedata.normalize("NFKC", ch).lower()
        if (unicodedata.combining(ch) or unicodedata.category(ch).startswith("M") or 0x1100 <= cp <= 0x11FF
                or ch == "\u03a3"):
            expanding[ch] = form + ("\u03c2" if ch == "\u03a3" else "")  # composes / depends on context
        elif len(form) != 1:
            expanding[ch] = form
        elif form != ch:
            preimages.setdefault(form, []).append(ch)
    return {k: tuple(v) for k, v in preimages.items()}, expanding


def _re2_char(ch: str) -> str:
    """``ch`` as an RE2 escape (``\\x{65B0}``), safe inside and outside a class."""
    return f"\\x{{{ord(ch):X}}}"


_RE2_META = frozenset("\\.+*?()|[]{}^$")


def term_pattern(term: str) -> str:
    """An RE2 pattern matching, in the *stored* text, every run of characters whose NFKC + lower is ``term``
    character by character (``gdp`` -> ``[gGｇＧ][dDｄＤ][pPｐＰ]``; ``新质`` -> ``[新🈟]质``).

    A character nothing else normalises into stays itself (RE2 metacharacters escaped), so a term of
    such characters is a plain literal, which DuckDB matches as fast as ``contains``. Runs that
    normalise through a multi-character form (``℃``) or by composition are not covered;
    :func:`_expanding_class` finds the turns that hold such characters.
    """
    preimages, _ = _normal_forms()
    parts = []
    for ch in term:
        alts = (ch, *preimages.get(ch, ()))
        if len(alts) > 1:
            parts.append("[" + "".join(_re2_char(a) for a in alts) + "]")
        else:
            parts.append("\\" + ch if ch in _RE2_META else ch)
    return "".join(parts)


def literal_runs(term: str) -> list[str]:
    """The pieces of ``term`` made of characters that only they themselves normalise into.

    Every stored turn that matches ``term`` (without expanding characters) contains each piece
    verbatim, so ``contains`` on the longest one is a cheap prefilter. ``新质生产力`` -> ``["质", "产"]``
    (新, 生 and 力 have twins: 🈟, Kangxi ⽣ and ⼒); ``gdp`` -> ``[]``.
    """
    preimages, _ = _normal_forms()
    runs, current = [], ""
    for ch in term:
        if ch in preimages:
            if current:
                runs.append(current)
            current = ""
        else:
            current += ch
    return runs + ([current] if current else [])


def _expanding_class(terms: Sequence[str]) -> str | None:
    """RE2 class of the characters that could make the terms match only after expanding or composing.

    Those whose form shares a character with a term; all combining marks and jamo when a term holds a
    precomposed character. None when there is none (the SQL pass is then exact for every turn).
    """
    _, expanding = _normal_forms()
    wanted = set("".join(terms))
    composed = any(unicodedata.normalize("NFD", ch) != ch for ch in wanted)
    chars = sorted(x for x, form in expanding.items()
                   if wanted & set(form) or (composed and (unicodedata.combining(x) or len(form) == 1)))
    return "[" + "".join(_re2_char(x) for x in chars) + "]" if chars else None


def _base_sql(*, speaker: str | None, city: str | None, session_no: int | None) -> str:
    """FROM/WHERE shared by both passes; filters are bound parameters ($speaker, $city, $session_no)."""
    where = ["TRUE"]
    if speaker is not None:
        where.append("(contains(coalesce(s.name, t.speaker, ''), $speaker) OR contains(t.label, $speaker))")
    if city is not None:
        where.append("(b.city = $city OR b.city || '市' = $city OR b.city = $city || '市')")
    if session_no is not None:
        where.append("b.session_no = $session_no")
    return (
        "FROM turns t JOIN briefings b USING (briefing_id) LEFT JOIN speakers s USING (speaker_id) "
        "WHERE " + " AND ".join(where)
    )


def search_turns(
    con: duckdb.DuckDBPyConnection,
    text: str,
    *,
    speaker: str | None = None,
    city: str | None = None,
    session_no: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[SearchHit]:
    """Find the turns that contain every word of ``text``, best first.

    Args:
        con: a warehouse connection (read-only is enough) with ``turns``, ``briefings``, ``speakers``.
        text: search words separated by spaces; each is matched as a substring of the turn's
            NFKC-normalised, lower-cased text.
        speaker: keep turns whose speaker name or label contains this (``肖敏``, ``湖北日报``).
        city: keep briefings about this city (``天门`` or ``天门市``).
        session_no: keep this session of the series (``12``).
        limit: at most this many hits (>= 1).
    Returns:
        Hits ordered by score (desc), event_date (newest first, unknown last), briefing_id, turn_no;
        ``rank`` 1..n in that order.
    Raises:
        QueryArgumentError: empty search text, or ``limit`` < 1.
        QueryError: the SQL failed.
    """
    terms = search_terms(text)
    if limit < 1:
        raise QueryArgumentError(f"--limit must be at least 1, got {limit}")
    filters: dict[str, Any] = {}
    if speaker is not None:
        filters["speaker"] = normalise_text(speaker).strip()
    if city is not None:
        filters["city"] = city.strip()
    if session_no is not None:
        filters["session_no"] = session_no
    base = _base_sql(speaker=speaker, city=city, session_no=session_no)
    patterns = {f"p{i}": term_pattern(term) for i, term in enumerate(terms)}
    expanding = _expanding_class(terms)
    meta = ("t.briefing_id, b.session_no, b.city, b.event_date, b.title, t.turn_no, "
            "coalesce(s.name, t.speaker) AS speaker_name, t.role, t.outlet, t.label, t.text")
    # prefilter: the longest verbatim piece of each term (contains is a fast substring search)
    prefilters = {f"r{i}": max(runs, key=len) for i, term in enumerate(terms) if (runs := literal_runs(term))}
    matches_all = " AND ".join(
        [f"contains(t.text, ${k})" for k in prefilters] + [f"regexp_matches(t.text, $p{i})" for i in range(len(terms))])
    tfs = ", ".join(f"len(regexp_extract_all(t.text, $p{i}))" for i in range(len(terms)))
    try:
        # Pass 1: matched, scored, ordered and limited in DuckDB (exact for turns without expanding characters);
        # the text is carried only for the top rows. BM25's average length is that of the matching turns.
        rows = con.execute(
            f"WITH m AS (SELECT t.rowid AS row_id, t.briefing_id, t.turn_no, b.event_date, [{tfs}] AS tfs, length(t.text) AS n {base} "
            f"AND {matches_all}" + (" AND NOT regexp_matches(t.text, $expanding)" if expanding else "") + "), "
            "a AS (SELECT avg(n) AS avg_n FROM m), "
            "top AS (SELECT m.row_id, a.avg_n, list_sum(tfs) AS occurrences, "
            " list_sum(list_transform(tfs, lambda x: x * ($k1 + 1) / (x + $k1 * (1 - $b + $b * n / a.avg_n)))) AS score "
            " FROM m, a ORDER BY score DESC, event_date DESC NULLS LAST, briefing_id, turn_no LIMIT $limit) "
            f"SELECT {meta}, top.avg_n, top.score, top.occurrences FROM top JOIN turns t ON t.rowid = top.row_id "
            "JOIN briefings b USING (briefing_id) LEFT JOIN speakers s ON s.speaker_id = t.speaker_id "
            "ORDER BY top.score DESC, b.event_date DESC NULLS LAST, t.briefing_id, t.turn_no",
            filters | patterns | prefilters | {"k1": BM25_K1, "b": BM25_B, "limit": limit}
            | ({"expanding": expanding} if expanding else {}),
        ).fetchall()
        # Pass 2: the rare turns holding an expanding character -> exact NFKC in Python.
        expanding_rows = con.execute(
            f"SELECT {meta} {base} AND regexp_matches(t.text, $expanding)", filters | {"expanding": expanding}
        ).fetchall() if expanding else []
    except duckdb.Error as exc:
        raise QueryError(f"search failed: {exc}") from exc
    scored: list[tuple[tuple[Any, ...], str, int, float, str]] = []
    avg_length = 0.0
    for *row, raw, avg_n, score, occurrences in rows:
        scored.append((tuple(row), normalise_text(raw), int(occurrences), float(score), raw))
        avg_length = float(avg_n)
    extra = []
    for *row, raw in expanding_rows:
        norm = normalise_text(raw)
        counts = [count_occurrences(norm, term) for term in terms]
        if all(counts):
            extra.append((tuple(row), norm, counts, len(raw), raw))
    avg_length = avg_length or (sum(n for *_, n, _raw in extra) / len(extra) if extra else 1.0)
    scored += [(row, norm, sum(counts), bm25_score(counts, n, avg_length), raw) for row, norm, counts, n, raw in extra]
    scored.sort(key=lambda item: (-item[3], -(item[0][3].toordinal() if item[0][3] else -10**9), item[0][0], item[0][5]))
    hits = []
    for rank, (fields, norm, occurrences, score, raw) in enumerate(scored[:limit], start=1):
        briefing_id, session, city_, event_date, title, turn_no, who, role, outlet, label = fields
        hits.append(SearchHit(
            rank=rank, briefing_id=briefing_id, session_no=session, city=city_, event_date=event_date, title=title,
            turn_no=turn_no, speaker=who, role=role, outlet=outlet, label=label, occurrences=occurrences,
            score=score, snippet=make_snippet(norm, terms, original=raw),
        ))
    return hits
