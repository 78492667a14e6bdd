"""Knowledge-test codes the engine knows, as data.

``EXAM_TITLES``: the title printed on the report for a test code, and ``EXAM_TITLE_WORDINGS``
the other wordings vendors print for some (``Rotorcraft/Helicopter`` or ``Helicopter``). Used
only to snap an OCR reading of the title that is already close to a known one (never to invent
a title).
``EXAM_PREFIXES``: ACS prefixes whose codes a report of that test may carry (from the domain
notes; the catalogue's ``exam_codes`` adds to it at run time).
``VALIDITY_MONTHS``: months a passed test stays valid when it is not the usual 24.
"""

from __future__ import annotations

EXAM_TITLES: dict[str, str] = {
    "ADX": "Aircraft Dispatcher",
    "AMA": "Aviation Mechanic Airframe",
    "AMG": "Aviation Mechanic General",
    "AMP": "Aviation Mechanic Powerplant",
    "ATM": "Airline Transport Pilot Multiengine Airplane",
    "ATS": "Airline Transport Pilot Single Engine Airplane",
    "CAX": "Commercial Pilot Airplane",
    "CRH": "Commercial Pilot Rotorcraft/Helicopter",
    "FEX": "Flight Engineer Basic",
    "FIA": "Flight Instructor Airplane",
    "FIH": "Flight Instructor Helicopter",
    "FOI": "Fundamentals of Instructing",
    "IRA": "Instrument Rating Airplane",
    "IRH": "Instrument Rating Helicopter",
    "PAR": "Private Pilot Airplane",
    "PRH": "Private Pilot Helicopter",
    "UAG": "Unmanned Aircraft General - Small",
    "AGI": "Ground Instructor Advanced",
    "BGI": "Ground Instructor Basic",
    "IGI": "Ground Instructor Instrument",
    "SPA": "Sport Pilot Airplane",
    "FII": "Flight Instructor Instrument Airplane",
    "FRH": "Flight Instructor Rotorcraft/Helicopter",
    "ARH": "Airline Transport Pilot Rotorcraft/Helicopter",
    "PPL": "Private Pilot Powered-Lift",
    "CPL": "Commercial Pilot Powered-Lift",
    "IPL": "Instrument Rating Powered-Lift",
    "APL": "Airline Transport Pilot Powered-Lift",
    "FIP": "Flight Instructor Powered-Lift",
    "MCI": "Military Competence Instructor",
    "AFA": "Flight Instructor Airplane - Added Rating",
    "HFA": "Flight Instructor Helicopter - Added Rating",
}

EXAM_TITLE_WORDINGS: dict[str, tuple[str, ...]] = {
    "ATS": ("Airline Transport Pilot Single-Engine Airplane",),
    "CRH": ("Commercial Pilot Helicopter",),
    "FIH": ("Flight Instructor Rotorcraft/Helicopter",),
    "FRH": ("Flight Instructor Helicopter",),
    "IGI": ("Instrument Ground Instructor",),
    "IRH": ("Instrument Rating Rotorcraft/Helicopter",),
    "MCI": ("Military Competency Instructor",),
    "AFA": ("Flight Instructor Airplane Added Rating",),
    "HFA": ("Flight Instructor Helicopter Added Rating",),
    "PRH": ("Private Pilot Rotorcraft/Helicopter",),
    "UAG": ("Unmanned Aircraft General Small", "Remote Pilot Small UAS"),
}

EXAM_PREFIXES: dict[str, tuple[str, ...]] = {
    "PAR": ("PA",),
    "CAX": ("CA",),
    "IRA": ("IR",),
    "ATM": ("AA",),
    "ATS": ("AA",),
    "FOI": ("FI",),
    "FIA": ("AI", "FI"),
    "AFA": ("AI", "FI"),
    "FIP": ("IL", "FI"),
    "IPA": ("IL", "FI"),
    "FRH": ("HI", "FI"),
    "FIH": ("HI", "FI"),
    "HFA": ("HI", "FI"),
    "PRH": ("PH",),
    "CRH": ("CH",),
    "IRH": ("IH",),
    "UAG": ("UA",),
    "AMA": ("AM",),
    "AMG": ("AM",),
    "AMP": ("AM",),
    "PPL": ("PL",),
    "CPL": ("CP",),
    "IPL": ("IP",),
    "APL": ("AP",),
    "APA": ("AP",),
    "IIP": ("PI",),
    "FPA": ("PI",),
    "MCN": ("MC",),
}

# Every ACS prefix a known test reports codes of.
ACS_PREFIXES: frozenset[str] = frozenset(p for prefixes in EXAM_PREFIXES.values() for p in prefixes)

# Words of test titles beyond the known titles above: an OCR reading of a title whose code is
# unknown is checked word by word against these and the words of the known titles.
TITLE_WORDS: frozenset[str] = frozenset(
    {
        "Added", "Advanced", "Air", "Airship", "Balloon", "Basic", "Competency", "Foreign",
        "Gas", "Glider", "Gyroplane", "Hot", "Instructor", "Lighter", "Military", "Non",
        "Operations", "Parachute", "Recreational", "Recurrent", "Remote", "Rigger", "Sport",
        "Than", "Transition", "Weight", "Shift", "Powered", "Lift", "Rating", "Conversion",
        "Multi", "Engine", "Single", "Helicopter", "Rotorcraft", "Commercial", "Private",
    }
)  # fmt: skip

VALIDITY_MONTHS: dict[str, int] = {"ATM": 60}
DEFAULT_VALIDITY_MONTHS = 24
