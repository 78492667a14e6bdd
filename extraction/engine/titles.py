"""The exam's title and test code as printed, OCR readings of a known title put right.

A title is printed with its test code in parentheses (``Private Pilot Airplane (PAR)``);
:mod:`data.exams` lists the known titles of each code. OCR readings close to a known title are
snapped to it, in the case they were printed in; the text layer is kept as printed.
"""

from __future__ import annotations

import re

from .data.exams import EXAM_PREFIXES, EXAM_TITLE_WORDINGS, EXAM_TITLES, TITLE_WORDS
from .fields import levenshtein

_SPACES = re.compile(r"\s+")

# The test code in parentheses at the end of the title; OCR may turn a parenthesis into a
# bracket or a brace, or lose one of the two.
_TITLE_CODE = re.compile(
    r"[(\[{]\s*(?P<code>[A-Z0-9]{3})\s*[)\]}]?\s*$|(?<=\s)(?P<open>[A-Z0-9]{3})\s*[)\]}]\s*$"
)
_BARE_CODE = re.compile(r"(?<=\s)(?P<code>[A-Z]{3})$")  # both parentheses lost
# A blank OCR put into the test code in parentheses (``(A DX)``).
_CODE_GAP = re.compile(r"\(\s*([A-Z])\s([A-Za-z|]{2})\s*\)|\(\s*([A-Z][A-Za-z|])\s([A-Za-z|])\s*\)")


def close_code_gap(text: str) -> str:
    """The text with a blank inside its parenthesised test code taken out."""
    return _CODE_GAP.sub(lambda m: "(" + "".join(g for g in m.groups() if g) + ")", text)


def clean_title(raw: str, *, ocr: bool = True) -> tuple[str | None, str | None, float]:
    """(title as printed, test code, confidence). OCR readings close to a known title are snapped;
    the text layer is kept as printed."""
    value = close_code_gap(_SPACES.sub(" ", raw).strip(" .,:;_"))
    if not value:
        return None, None, 0.0
    m = (
        _TITLE_CODE.search(value)
        or re.search(r"\(\s*(?P<code>[A-Za-z0-9]{3})\s*\)", value)
        or _known_bare_code(value)
    )
    code = None
    conf = 1.0
    if m:
        groups = m.groupdict()
        code = (groups.get("code") or groups["open"]).upper().translate(str.maketrans("0158", "OISB"))
        name = value[: m.start()].strip()
        if not re.fullmatch(r"\(\s*\w{3}\s*\)\s*", m.group(0)):
            conf = 0.95  # a parenthesis misread or lost
    else:
        name = value
        conf = 0.6
    vouched = ocr and m is not None and conf == 1.0
    known = _closest_title(name, code)
    if ocr and known is not None and (dashed := _dash_in_gap(raw, code)) is not None:
        name, known = (dashed.upper() if name.isupper() else dashed), dashed
    if known is None:
        # No code in parentheses, or one misread by a letter: a known title gives the code.
        near = [
            (c, t)
            for c, t in _all_titles()
            if _similar(name, t) and (code is None or levenshtein(code, c, 1) <= 1)
        ]
        if near:
            code, known = _nearest(name, near)
            conf = min(conf, 0.8)
    if known is not None and name.upper() != known.upper():
        # A test code read whole in its parentheses vouches for the title: OCR slips of up to
        # one character in four are then snapped (``IInmannod Airoraft General- Small``), and
        # so is the end of the title when the start of the line was lost (``nced (AGI)``).
        cut = vouched and _known_end(name, known)
        shaped = vouched and _same_shape(name, known)
        # ... and so is a title whose first words a rule or a box drawn across them garbled
        # (``patin~ Daored-Lift``), when its last word is the known title's.
        tail = vouched and _garbled_head(name, known)
        if _similar(name, known) or (vouched and _similar(name, known, per=4)) or cut or shaped or tail:
            if ocr:  # snapped in the case it was printed in
                name = known.upper() if name.isupper() else known
            conf = min(conf, 0.9 if cut or tail else 0.95)
        else:
            conf = min(conf, 0.8)
    elif known is not None and ocr and name != known and _one_word_cased_apart(name, known):
        name = known  # one glyph's case misread (``Private Pilot airplane``)
        conf = min(conf, 0.95)
    elif known is None:
        conf = min(conf, 0.9)
        if ocr:
            # Titles set a dash between blanks (``Helicopter - Added Rating``) or join words with
            # a hyphen (``Powered-Lift``): a blank on one side only is one the reading lost.
            name = _snap_title_words(_LOPSIDED_DASH.sub(" - ", name))
            if title_words_unknown(name):
                conf = min(conf, 0.8)
    if code and (m or (ocr and known is not None)):
        # Titles are printed with their code: on the OCR path a code the title gave back is
        # one whose parentheses the reading lost.
        return f"{name} ({code})", code, conf
    return name, code, conf  # printed without a code: the title stays as printed


def _dash_in_gap(raw: str, code: str | None) -> str | None:
    """The known wording of the code's title with a dash between blanks (``General - Small``)
    where the reading has a wide gap between those words instead: the dash was lost, not its
    room (``Unmanned Aircraft General   Smal1``)."""
    before = re.split(r"[(\[{]", raw)[0]
    if not re.search(r"\S\s{3,}\S", before.strip()):
        return None
    gapped = _SPACES.sub(" ", re.sub(r"(?<=\S)\s{3,}(?=\S)", " - ", before.strip()))
    dashed = [t for c, t in _all_titles() if c == code and " - " in t]
    return next((t for t in dashed if _similar(gapped, t)), None)


def _one_word_cased_apart(name: str, known: str) -> bool:
    """Whether the words of ``name`` are the known title's in its case but for one, in a title
    of three words or more: a sentence-case title (``Private pilot airplane``) differs in all
    but the first and is kept as printed."""
    words, known_words = name.split(), known.split()
    if len(words) != len(known_words) or len(words) < 3:
        return False
    return sum(w != k for w, k in zip(words, known_words, strict=True)) == 1


_LOPSIDED_DASH = re.compile(r"(?<=\w) -(?=\w)|(?<=\w)- (?=\w)")


def _garbled_head(name: str, known: str) -> bool:
    """The read title ends with the known title's last words, and every word before them is one
    no test title has: the start of the line was garbled (``piiah aacor Powered-Lift``), not
    printed with another test's words (``Commercial Pilot Airplane (PAR)``)."""
    read, words = _title_words(name), _title_words(known)
    shared = 0
    while shared < min(len(read), len(words)) and read[-1 - shared] == words[-1 - shared]:
        shared += 1
    head = read[: len(read) - shared]
    vocabulary = _title_vocabulary()
    return shared > 0 and bool(head) and all(w.strip(".,~") not in vocabulary for w in head)


def _known_end(name: str, known: str) -> bool:
    """The read title is the end of the known one, with up to one letter in five misread
    (``D plane`` for ``...Airplane``): OCR lost the start of the line."""
    read, whole = name.upper().replace(" ", ""), known.upper().replace(" ", "")
    if len(read) < 3 or len(read) >= len(whole):
        return False
    limit = len(read) // 5
    return levenshtein(read, whole[-len(read) :], limit) <= limit


def _title_words(title: str) -> list[str]:
    return [w for w in re.split(r"[\s/-]+", title.strip().upper()) if w]


def _all_titles() -> list[tuple[str, str]]:
    return [
        *EXAM_TITLES.items(),
        *((code, title) for code, titles in EXAM_TITLE_WORDINGS.items() for title in titles),
    ]


def _closest_title(name: str, code: str | None) -> str | None:
    """The known wording of the code's title nearest to what was read."""
    titles = [(c, t) for c, t in _all_titles() if c == code]
    return _nearest(name, titles)[1] if titles else None


def _nearest(name: str, titles: list[tuple[str, str]]) -> tuple[str, str]:
    """The (code, title) whose title is nearest to what was read, blanks and case aside."""
    squashed = name.upper().replace(" ", "")
    return min(titles, key=lambda ct: levenshtein(squashed, ct[1].upper().replace(" ", ""), 99))


def _title_vocabulary() -> dict[str, str]:
    words = {w for _, t in _all_titles() for w in re.findall(r"[A-Za-z]{3,}", t)} | TITLE_WORDS
    return {w.upper(): w for w in words}


def _snap_title_words(name: str) -> str:
    """A title of an unknown test code with each misread word (``Plot``, ``Gider``) put right
    when exactly one title word is one edit away; other words stay as read."""
    vocabulary = _title_vocabulary()

    def snap(m: re.Match[str]) -> str:
        word = m.group(0)
        if word.upper() in vocabulary or len(word) < 4:
            return word
        near = [
            w for key, w in vocabulary.items() if len(key) >= 4 and levenshtein(word.upper(), key, 1) <= 1
        ]
        if len(near) != 1:
            return word
        return near[0].upper() if word.isupper() else near[0]

    return re.sub(r"[A-Za-z]+", snap, name)


def title_words_unknown(title: str) -> bool:
    """A title holding a word no test title has: a misread the engine could not put right."""
    vocabulary = _title_vocabulary()
    words = re.findall(r"[A-Za-z]{4,}", re.sub(r"\([^)]*\)", "", title))
    return any(w.upper() not in vocabulary for w in words)


def known_title_end(text: str, code: str) -> bool:
    """A heading that may be the exam's title: a few words before its test code, or, when only
    a word's tail stands before the code (OCR lost the start of the line), the end of a known
    title of that code."""
    name = text[: text.rfind("(")].strip()
    if len(name) >= 6:
        return True
    return len(name) >= 3 and any(t.upper().endswith(name.upper()) for c, t in _all_titles() if c == code)


def title_cut_short(title: str, code: str | None) -> bool:
    """A title that is the known title of its test code with words missing (``Pilot Airplane
    (CAX)``): the OCR lost the start of the line. A title worded otherwise is no sign of that."""
    read, wordings = _word_sets(title, code)
    # One wording of a title may be another with words left out (``Private Pilot Helicopter``,
    # ``Private Pilot Rotorcraft/Helicopter``): a title that is one of them whole is not cut.
    return bool(read) and read not in wordings and any(read < words for words in wordings)


def title_shares_no_word(title: str, code: str | None) -> bool:
    """A title of a known test code that holds no word of any wording of that code's title
    (``ne (PAR)``, the end of ``Airplane`` alone): a fragment, not a way of printing it."""
    read, wordings = _word_sets(title, code)
    return bool(wordings) and not any(read & words for words in wordings)


def _word_sets(title: str, code: str | None) -> tuple[set[str], list[set[str]]]:
    """The words of a title as read (its parenthesised code left out), and those of each known
    wording of the code's title."""
    read = set(re.findall(r"[A-Z]+", re.sub(r"\([^)]*\)", "", title).upper()))
    return read, [set(re.findall(r"[A-Z]+", known.upper())) for c, known in _all_titles() if c == code]


def _known_bare_code(value: str) -> re.Match[str] | None:
    """A known test code closing a title whose parentheses OCR dropped (``... Small UAG``)."""
    m = _BARE_CODE.search(value)
    return m if m and m.group("code") in EXAM_PREFIXES | EXAM_TITLES else None


def _same_shape(read: str, known: str) -> bool:
    """A blurred reading of a known title: OCR garbles letters but keeps the words and their
    lengths (``Auiation Moahanio Canomal``), so the same words of the same lengths, with at
    most two letters in five read wrong, are that title."""
    a, b = read.upper().split(), known.upper().split()
    # A word no title has may have lost a letter or two more (``Inatment`` for ``Instrument``).
    vocabulary = _title_vocabulary()
    slack = [1 if x in vocabulary else 2 for x in a]
    if (
        len(a) != len(b)
        or len(a) < 2
        or any(abs(len(x) - len(y)) > s for x, y, s in zip(a, b, slack, strict=True))
    ):
        return False
    limit = 2 * len("".join(b)) // 5
    return levenshtein("".join(a), "".join(b), limit) <= limit


def _similar(a: str, b: str, *, per: int = 8) -> bool:
    """Within one edit in ``per`` characters of each other, blanks and case aside."""
    a, b = a.upper().replace(" ", ""), b.upper().replace(" ", "")
    if a == b:
        return True
    limit = max(1, len(b) // per)
    if abs(len(a) - len(b)) > limit:
        return False
    return levenshtein(a, b, limit) <= limit
