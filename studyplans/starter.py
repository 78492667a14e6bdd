"""How the shipped starter mapping (studyplans/data/resources.csv) was written.

Each ACS task is matched, by keywords of its area and task titles, to the chapters of the public
FAA publications that teach the subject; the family of the ACS (airplane, instrument, helicopter,
powered-lift, remote pilot, instructing, mechanic) decides which handbook a keyword points to.
Chapter numbers are given only where the publication's table of contents is stable; elsewhere the
chapter is named by its title. Run ``python -m studyplans.starter`` to rewrite the CSV from the
catalogue; staff then refine rows in the admin.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
STARTER_CSV = DATA_DIR / "resources.csv"
CATALOG_FILE = Path(__file__).resolve().parent.parent / "extraction" / "data" / "acs_catalog.json.gz"

# The editable columns of a study resource: the CSV, the loader's updates and the admin share them.
RESOURCE_FIELDS = (
    "element_code",
    "publication",
    "publication_title",
    "chapter",
    "title",
    "url",
    "estimated_minutes",
    "position",
)
CSV_FIELDS = ["key", "prefix", "area", "task", "area_title", "task_title", *RESOURCE_FIELDS]

HANDBOOKS_URL = "https://www.faa.gov/regulations_policies/handbooks_manuals/aviation"
AIM_URL = "https://www.faa.gov/air_traffic/publications/atpubs/aim_html/"
AC_URL = "https://www.faa.gov/regulations_policies/advisory_circulars"


def _cfr(part: int, title: int = 14) -> str:
    return f"https://www.ecfr.gov/current/title-{title}/part-{part}"


# key: (publication code, publication title, url)
PUBLICATIONS: dict[str, tuple[str, str, str]] = {
    "PHAK": ("FAA-H-8083-25C", "Pilot's Handbook of Aeronautical Knowledge", HANDBOOKS_URL),
    "AFH": ("FAA-H-8083-3C", "Airplane Flying Handbook", HANDBOOKS_URL),
    "IFH": ("FAA-H-8083-15B", "Instrument Flying Handbook", HANDBOOKS_URL),
    "IPH": ("FAA-H-8083-16B", "Instrument Procedures Handbook", HANDBOOKS_URL),
    "HFH": ("FAA-H-8083-21B", "Helicopter Flying Handbook", HANDBOOKS_URL),
    "SEA": (
        "FAA-H-8083-23",
        "Seaplane, Skiplane, and Float/Ski Equipped Helicopter Operations Handbook",
        HANDBOOKS_URL,
    ),
    "RMH": ("FAA-H-8083-2A", "Risk Management Handbook", HANDBOOKS_URL),
    "AIH": ("FAA-H-8083-9B", "Aviation Instructor's Handbook", HANDBOOKS_URL),
    "AMTG": ("FAA-H-8083-30A", "Aviation Maintenance Technician Handbook - General", HANDBOOKS_URL),
    "AMTA": ("FAA-H-8083-31B", "Aviation Maintenance Technician Handbook - Airframe", HANDBOOKS_URL),
    "AMTP": ("FAA-H-8083-32B", "Aviation Maintenance Technician Handbook - Powerplant", HANDBOOKS_URL),
    "RPSG": ("FAA-G-8082-22", "Remote Pilot - Small Unmanned Aircraft Systems Study Guide", ""),
    "AIM": ("AIM", "Aeronautical Information Manual", AIM_URL),
    "AC6165": ("AC 61-65", "Certification: Pilots and Flight and Ground Instructors", AC_URL),
    "AC1072": ("AC 107-2", "Small Unmanned Aircraft Systems (sUAS)", AC_URL),
    "CFR43": ("14 CFR Part 43", "Maintenance, Preventive Maintenance, Rebuilding, and Alteration", _cfr(43)),
    "CFR61": (
        "14 CFR Part 61",
        "Certification: Pilots, Flight Instructors, and Ground Instructors",
        _cfr(61),
    ),
    "CFR65": ("14 CFR Part 65", "Certification: Airmen Other Than Flight Crewmembers", _cfr(65)),
    "CFR67": ("14 CFR Part 67", "Medical Standards and Certification", _cfr(67)),
    "CFR89": ("14 CFR Part 89", "Remote Identification of Unmanned Aircraft", _cfr(89)),
    "CFR91": ("14 CFR Part 91", "General Operating and Flight Rules", _cfr(91)),
    "CFR107": ("14 CFR Part 107", "Small Unmanned Aircraft Systems", _cfr(107)),
    "CFR117": ("14 CFR Part 117", "Flight and Duty Limitations and Rest Requirements", _cfr(117)),
    "CFR121": (
        "14 CFR Part 121",
        "Operating Requirements: Domestic, Flag, and Supplemental Operations",
        _cfr(121),
    ),
    "CFR830": (
        "49 CFR Part 830",
        "Notification and Reporting of Aircraft Accidents or Incidents",
        _cfr(830, 49),
    ),
}


@dataclass(frozen=True)
class Ref:
    """One chapter or section of a publication, with a reading estimate in minutes."""

    publication: str
    chapter: str
    title: str
    minutes: int


def R(publication: str, chapter: str, title: str, minutes: int) -> Ref:
    return Ref(publication, chapter, title, minutes)


# --- Chapters used by several families ----------------------------------------------------------
PHAK_INTRO = R("PHAK", "Chapter 1", "Introduction to Flying", 30)
PHAK_ADM = R("PHAK", "Chapter 2", "Aeronautical Decision-Making", 45)
PHAK_PRINCIPLES = R("PHAK", "Chapter 4", "Principles of Flight", 40)
PHAK_AERO = R("PHAK", "Chapter 5", "Aerodynamics of Flight", 60)
PHAK_CONTROLS = R("PHAK", "Chapter 6", "Flight Controls", 30)
PHAK_SYSTEMS = R("PHAK", "Chapter 7", "Aircraft Systems", 60)
PHAK_INSTRUMENTS = R("PHAK", "Chapter 8", "Flight Instruments", 45)
PHAK_DOCUMENTS = R("PHAK", "Chapter 9", "Flight Manuals and Other Documents", 30)
PHAK_WB = R("PHAK", "Chapter 10", "Weight and Balance", 45)
PHAK_PERFORMANCE = R("PHAK", "Chapter 11", "Aircraft Performance", 60)
PHAK_WX_THEORY = R("PHAK", "Chapter 12", "Weather Theory", 60)
PHAK_WX_SERVICES = R("PHAK", "Chapter 13", "Aviation Weather Services", 60)
PHAK_AIRPORT = R("PHAK", "Chapter 14", "Airport Operations", 45)
PHAK_AIRSPACE = R("PHAK", "Chapter 15", "Airspace", 45)
PHAK_NAV = R("PHAK", "Chapter 16", "Navigation", 60)
PHAK_AEROMED = R("PHAK", "Chapter 17", "Aeromedical Factors", 45)

AIM_NAVAIDS = R("AIM", "Chapter 1", "Air Navigation", 45)
AIM_LIGHTING = R("AIM", "Chapter 2, Section 1", "Airport Lighting Aids", 20)
AIM_SIGNS = R("AIM", "Chapter 2, Section 3", "Airport Marking Aids and Signs", 30)
AIM_AIRSPACE = R("AIM", "Chapter 3", "Airspace", 45)
AIM_SERVICES = R("AIM", "Chapter 4, Section 1", "Services Available to Pilots", 30)
AIM_RADIO = R("AIM", "Chapter 4, Section 2", "Radio Communications Phraseology and Techniques", 30)
AIM_AIRPORT_OPS = R("AIM", "Chapter 4, Section 3", "Airport Operations", 40)
AIM_CLEARANCES = R("AIM", "Chapter 4, Section 4", "ATC Clearances and Aircraft Separation", 30)
AIM_PREFLIGHT = R("AIM", "Chapter 5, Section 1", "Preflight", 30)
AIM_DEPARTURE = R("AIM", "Chapter 5, Section 2", "Departure Procedures", 30)
AIM_ENROUTE = R("AIM", "Chapter 5, Section 3", "En Route Procedures", 30)
AIM_ARRIVAL = R("AIM", "Chapter 5, Section 4", "Arrival Procedures", 45)
AIM_EMERGENCY = R("AIM", "Chapter 6", "Emergency Procedures", 30)
AIM_COMM_FAILURE = R("AIM", "Chapter 6, Section 4", "Two-way Radio Communications Failure", 20)
AIM_METEOROLOGY = R("AIM", "Chapter 7, Section 1", "Meteorology", 45)
AIM_MEDICAL = R("AIM", "Chapter 8", "Medical Facts for Pilots", 30)
AIM_HELICOPTER = R("AIM", "Chapter 10", "Helicopter Operations", 30)

CFR61_QUALIFICATIONS = R(
    "CFR61",
    "Subparts A-G",
    "Certificates, ratings, recent experience, privileges and limitations",
    40,
)
CFR61_INSTRUMENT = R("CFR61", "§§ 61.57 and 61.65", "Instrument recency and the instrument rating", 20)
CFR61_LOGBOOK = R(
    "CFR61", "§ 61.51 and Subpart H", "Pilot logbooks; flight instructor privileges and limitations", 30
)
CFR91_AIRWORTHINESS = R(
    "CFR91",
    "§§ 91.7, 91.203-91.213 and Subpart E",
    "Airworthiness, required equipment, inoperative equipment, inspections and records",
    45,
)
CFR91_GENERAL = R("CFR91", "Subparts A and B", "General and flight rules", 45)
CFR91_IFR = R("CFR91", "§§ 91.167-91.189", "Instrument flight rules", 40)
CFR91_OXYGEN = R("CFR91", "§ 91.211", "Supplemental oxygen", 10)
CFR91_IFR_EQUIPMENT = R(
    "CFR91", "§§ 91.171, 91.187 and 91.205(d)", "VOR checks, malfunction reports and IFR equipment", 20
)
AC6165_ENDORSEMENTS = R("AC6165", "Appendix A", "Sample endorsements", 45)

AFH_INTRO = R("AFH", "Chapter 1", "Introduction to Flight Training", 30)
AFH_GROUND = R("AFH", "Chapter 2", "Ground Operations", 40)
AFH_BASIC = R("AFH", "Chapter 3", "Basic Flight Maneuvers", 45)
AFH_ENERGY = R("AFH", "Chapter 4", "Energy Management: Mastering Altitude and Airspeed Control", 40)
AFH_UPRT = R("AFH", "Chapter 5", "Maintaining Aircraft Control: Upset Prevention and Recovery Training", 60)
AFH_TAKEOFF = R("AFH", "Chapter 6", "Takeoffs and Departure Climbs", 45)
AFH_GROUND_REF = R("AFH", "Chapter 7", "Ground Reference Maneuvers", 40)
AFH_PATTERN = R("AFH", "Chapter 8", "Airport Traffic Patterns", 30)
AFH_LANDING = R("AFH", "Chapter 9", "Approaches and Landings", 60)
AFH_PERF_MANEUVERS = R("AFH", "Chapter 10", "Performance Maneuvers", 45)
AFH_NIGHT = R("AFH", "Chapter 11", "Night Operations", 40)
AFH_COMPLEX = R("AFH", "Chapter 12", "Transition to Complex Airplanes", 40)
AFH_MULTI = R("AFH", "Chapter 13", "Transition to Multiengine Airplanes", 60)
AFH_JET = R("AFH", "Chapter 16", "Transition to Jet-Powered Airplanes", 60)
AFH_EMERGENCY = R("AFH", "Chapter 18", "Emergency Procedures", 60)

IFH_NAS = R("IFH", "Chapter 1", "The National Airspace System", 40)
IFH_ATC = R("IFH", "Chapter 2", "The Air Traffic Control System", 40)
IFH_HUMAN = R("IFH", "Chapter 3", "Human Factors", 40)
IFH_INSTRUMENTS = R("IFH", "Chapter 5", "Flight Instruments", 60)
IFH_ATTITUDE = R("IFH", "Chapter 6", "Airplane Attitude Instrument Flying", 60)
IFH_MANEUVERS = R("IFH", "Chapter 7", "Airplane Basic Flight Maneuvers", 60)
IFH_HELI_ATTITUDE = R("IFH", "Chapter 8", "Helicopter Attitude Instrument Flying", 45)
IFH_NAV = R("IFH", "Chapter 9", "Navigation Systems", 60)
IFH_IFR_FLIGHT = R("IFH", "Chapter 10", "IFR Flight", 60)
IFH_EMERGENCY = R("IFH", "Chapter 11", "Emergency Operations", 40)

IPH_DEPARTURE = R("IPH", "Chapter 1", "Departure Procedures", 45)
IPH_ENROUTE = R("IPH", "Chapter 2", "En Route Operations", 45)
IPH_ARRIVAL = R("IPH", "Chapter 3", "Arrivals", 40)
IPH_APPROACH = R("IPH", "Chapter 4", "Approaches", 60)

HFH_INTRO = R("HFH", "Chapter 1", "Introduction to the Helicopter", 20)
HFH_AERO = R("HFH", "Chapter 2", "Aerodynamics of Flight", 60)
HFH_CONTROLS = R("HFH", "Chapter 3", "Helicopter Flight Controls", 30)
HFH_SYSTEMS = R("HFH", "Chapter 4", "Helicopter Components, Sections, and Systems", 45)
HFH_RFM = R("HFH", "Chapter 5", "Rotorcraft Flight Manual", 20)
HFH_WB = R("HFH", "Chapter 6", "Weight and Balance", 30)
HFH_PERFORMANCE = R("HFH", "Chapter 7", "Helicopter Performance", 40)
HFH_GROUND = R("HFH", "Chapter 8", "Ground Procedures and Flight Preparations", 30)
HFH_BASIC = R("HFH", "Chapter 9", "Basic Flight Maneuvers", 60)
HFH_ADVANCED = R("HFH", "Chapter 10", "Advanced Flight Maneuvers", 45)
HFH_EMERGENCY = R("HFH", "Chapter 11", "Helicopter Emergencies and Hazards", 60)
HFH_INSTRUMENT = R("HFH", "Chapter 12", "Attitude Instrument Flying", 40)
HFH_NIGHT = R("HFH", "Chapter 13", "Night Operations", 30)
HFH_ADM = R("HFH", "Chapter 14", "Effective Aeronautical Decision-Making", 40)

SEA_OPS = R(
    "SEA",
    "Seaplane operations: the water environment",
    "Water characteristics, seaplane bases, maritime rules and aids to marine navigation",
    60,
)
SEA_TAKEOFF_LANDING = R(
    "SEA", "Seaplane operations: takeoffs and landings", "Seaplane takeoffs, landings and water handling", 60
)
SEA_POSTFLIGHT = R("SEA", "Seaplane operations: postflight", "Docking, mooring, beaching and ramping", 30)

AIH_BEHAVIOR = R("AIH", "Chapter 1", "Human Behavior", 45)
AIH_LEARNING = R("AIH", "Chapter 2", "The Learning Process", 60)
AIH_COMMUNICATION = R("AIH", "Chapter 3", "Effective Communication", 40)
AIH_TEACHING = R("AIH", "Chapter 4", "The Teaching Process", 50)
AIH_ASSESSMENT = R("AIH", "Assessment", "Assessment and evaluation of learners", 50)
AIH_PLANNING = R(
    "AIH", "Planning Instructional Activity", "Course of training, syllabus and lesson plans", 45
)
AIH_PROFESSIONALISM = R(
    "AIH",
    "Instructor Responsibilities and Professionalism",
    "Instructor responsibilities and professionalism",
    40,
)
AIH_FLIGHT_INSTRUCTION = R(
    "AIH", "Techniques of Flight Instruction", "Demonstration-performance and teaching in the aircraft", 45
)
AIH_RISK = R("AIH", "Risk Management", "Teaching risk management and accident prevention", 40)
RMH_RISK = R("RMH", "Risk management", "Identifying hazards and mitigating risk", 45)

Rules = list[tuple[str, tuple[Ref, ...]]]

# Keywords shared by all pilot families (matched after the family's own rules).
COMMON_RULES: Rules = [
    (r"pilot qualifications|qualifications and responsibilities", (CFR61_QUALIFICATIONS, PHAK_INTRO)),
    (
        r"medical certification",
        (R("CFR67", "Subparts A-D", "Medical standards and certification", 30), AIM_MEDICAL),
    ),
    (r"airworthiness", (CFR91_AIRWORTHINESS, PHAK_DOCUMENTS)),
    (r"weather", (PHAK_WX_THEORY, PHAK_WX_SERVICES, AIM_METEOROLOGY)),
    (r"national airspace", (PHAK_AIRSPACE, AIM_AIRSPACE)),
    (r"cross-country|pilotage|dead reckoning|diversion|lost procedures", (PHAK_NAV, AIM_PREFLIGHT)),
    (
        r"navigation systems|radar services|radio communications, navigation",
        (PHAK_NAV, AIM_NAVAIDS, AIM_SERVICES),
    ),
    (r"human factors", (PHAK_AEROMED, PHAK_ADM, AIM_MEDICAL)),
    (r"visual scanning|collision avoidance", (PHAK_AEROMED, AIM_MEDICAL, AFH_INTRO)),
    (r"runway incursion", (PHAK_AIRPORT, AIM_SIGNS)),
    (r"signs, markings|heliport/helipad", (AIM_SIGNS, AIM_LIGHTING, PHAK_AIRPORT)),
    (r"communications, light signals", (AIM_RADIO, AIM_AIRPORT_OPS, AIM_LIGHTING)),
    (
        r"14 cfr and publications|code of federal regulations|regulations and publications",
        (CFR91_GENERAL, CFR61_QUALIFICATIONS, PHAK_INTRO),
    ),
    (r"endorsements and logbook", (AC6165_ENDORSEMENTS, CFR61_LOGBOOK)),
    (r"maneuver lesson", (AIH_FLIGHT_INSTRUCTION, AIH_PLANNING)),
    (r"supplemental oxygen", (PHAK_AEROMED, PHAK_SYSTEMS, CFR91_OXYGEN)),
    (r"pressurization", (PHAK_SYSTEMS, PHAK_AEROMED)),
    (
        r"accident reporting",
        (
            R("CFR830", "Subparts B-D", "Immediate notification, preservation of wreckage, reports", 20),
            AIM_EMERGENCY,
        ),
    ),
    (
        r"air carrier operations",
        (
            R(
                "CFR121",
                "Subparts N, O, T and U",
                "Training, crewmember qualifications, flight operations and dispatch",
                60,
            ),
            R("CFR117", "Entire part", "Flight and duty limitations and rest", 30),
        ),
    ),
    (r"emergency equipment|survival gear", (AFH_EMERGENCY, AIM_EMERGENCY)),
]

INSTRUMENT_RULES: Rules = [
    (r"pilot qualifications", (CFR61_INSTRUMENT, CFR91_IFR)),
    (r"weather", (PHAK_WX_THEORY, PHAK_WX_SERVICES, AIM_METEOROLOGY)),
    (r"cross-country", (IFH_IFR_FLIGHT, IPH_ENROUTE, AIM_PREFLIGHT)),
    (r"systems related to instrument", (PHAK_SYSTEMS, IFH_INSTRUMENTS, CFR91_IFR_EQUIPMENT)),
    (r"instruments and navigation equipment", (IFH_INSTRUMENTS, IFH_NAV)),
    (r"instrument flight deck check|checking instruments", (IFH_INSTRUMENTS, CFR91_IFR_EQUIPMENT)),
    (r"air traffic control clearances", (IFH_ATC, AIM_CLEARANCES, AIM_DEPARTURE)),
    (r"holding", (AIM_ENROUTE, IFH_IFR_FLIGHT)),
    (r"intercepting and tracking|dme arc", (IFH_NAV, AIM_NAVAIDS)),
    (
        r"departure, en route|departure procedures|instrument takeoff",
        (IPH_DEPARTURE, IPH_ENROUTE, AIM_DEPARTURE),
    ),
    (r"arrival procedures", (IPH_ARRIVAL, AIM_ARRIVAL)),
    (r"loss of primary flight instrument", (IFH_EMERGENCY, IFH_ATTITUDE)),
    (r"inoperative|one engine|powerplant", (IFH_EMERGENCY, AFH_MULTI)),
    (r"^instrument flight$", (IFH_ATTITUDE, IFH_MANEUVERS)),
    (r"unusual flight attitudes", (IFH_ATTITUDE, AFH_UPRT)),
    (r"flight by reference to instruments::", (IFH_ATTITUDE, IFH_MANEUVERS)),
    (r"missed approach", (IPH_APPROACH, AIM_ARRIVAL)),
    (r"approach|landing from", (IPH_APPROACH, AIM_ARRIVAL, IFH_IFR_FLIGHT)),
    (r"loss of communications", (AIM_COMM_FAILURE, IFH_EMERGENCY, CFR91_IFR)),
    (r"human factors", (IFH_HUMAN, PHAK_AEROMED)),
    (r"endorsements and logbook", (AC6165_ENDORSEMENTS, CFR61_INSTRUMENT)),
    (r"regulations and publications", (CFR91_IFR, AIM_CLEARANCES, CFR61_INSTRUMENT)),
]

AIRPLANE_RULES: Rules = [
    (r"seaplane post-landing", (SEA_POSTFLIGHT, SEA_OPS)),
    (r"water|seaplane|sailing|glassy|confined area", (SEA_OPS, SEA_TAKEOFF_LANDING)),
    (
        (
            r"one engine inoperative|inoperative engine|engine failure during takeoff before vmc|"
            r"engine failure after liftoff|vmc demonstration|powerplant failure during takeoff|"
            r"inflight powerplant|with a powerplant failure|\(oei\) performance|"
            r"engine inoperative performance"
        ),
        (AFH_MULTI, AFH_EMERGENCY),
    ),
    (r"performance and limitations", (PHAK_PERFORMANCE, PHAK_WB)),
    (r"operation of systems|flight controls", (PHAK_SYSTEMS, PHAK_CONTROLS, PHAK_INSTRUMENTS)),
    (r"principles of flight", (PHAK_PRINCIPLES, PHAK_AERO)),
    (r"high-altitude aerodynamics|specific flight characteristics", (AFH_JET, PHAK_AERO)),
    (r"preflight assessment", (AFH_GROUND, PHAK_ADM)),
    (r"flight deck management|engine starting|powerplant start|before takeoff", (AFH_GROUND, PHAK_SYSTEMS)),
    (r"taxiing", (AFH_GROUND, PHAK_AIRPORT, AIM_SIGNS)),
    (r"traffic patterns", (AFH_PATTERN, AIM_AIRPORT_OPS)),
    (
        r"emergency descent|emergency approach|emergency procedures|malfunctions|powerplant failure",
        (AFH_EMERGENCY, PHAK_SYSTEMS),
    ),
    (r"rejected takeoff", (AFH_TAKEOFF, AFH_JET)),
    (r"takeoff", (AFH_TAKEOFF, PHAK_PERFORMANCE)),
    (
        r"approach and landing|slip to a landing|go-around|landing from|no flap|accuracy approach",
        (AFH_LANDING, PHAK_PERFORMANCE),
    ),
    (r"steep turns|steep spiral|chandelle|lazy eight", (AFH_PERF_MANEUVERS, PHAK_AERO)),
    (r"ground reference|eights on pylons", (AFH_GROUND_REF,)),
    (r"slow flight|stall|spin|flight characteristics at various", (AFH_UPRT, PHAK_AERO)),
    (r"unusual flight attitudes", (IFH_ATTITUDE, AFH_UPRT)),
    (r"radio communications, navigation", (PHAK_NAV, AIM_NAVAIDS, AIM_SERVICES)),
    (r"basic instrument maneuvers::", (IFH_ATTITUDE, IFH_MANEUVERS)),
    (r"fundamentals of flight::", (AFH_BASIC, AFH_ENERGY)),
    (r"night", (AFH_NIGHT, PHAK_AEROMED)),
    (r"after landing|parking|securing", (AFH_GROUND,)),
    (r"instrument procedures::", (IPH_APPROACH, AIM_ARRIVAL)),
]

HELICOPTER_RULES: Rules = [
    (r"unusual flight attitudes|solely by reference to instruments", (HFH_INSTRUMENT, IFH_HELI_ATTITUDE)),
    (r"^instrument flight$", (HFH_INSTRUMENT, IFH_HELI_ATTITUDE)),
    (
        (
            r"autorotation|powerplant failure|one engine inoperative|inoperative engine|vortex ring|"
            r"low rotor|antitorque|dynamic rollover|ground resonance|low gravity|malfunctions"
        ),
        (HFH_EMERGENCY, HFH_AERO),
    ),
    (r"emergency equipment|survival gear", (HFH_EMERGENCY, AIM_EMERGENCY)),
    (r"performance and limitations", (HFH_PERFORMANCE, HFH_WB, HFH_RFM)),
    (r"operation of systems", (HFH_SYSTEMS, HFH_RFM)),
    (r"flight controls", (HFH_CONTROLS, HFH_SYSTEMS)),
    (r"principles of flight", (HFH_AERO,)),
    (
        (
            r"preflight assessment|flight deck management|starting|rotor engagement|before takeoff|"
            r"after landing|securing"
        ),
        (HFH_GROUND, HFH_RFM),
    ),
    (r"traffic patterns", (AIM_HELICOPTER, AIM_AIRPORT_OPS, HFH_BASIC)),
    (
        (
            r"rapid deceleration|quick stop|slope|confined area|pinnacle|maximum performance|"
            r"steep approach|running|shallow approach|rolling takeoff"
        ),
        (HFH_ADVANCED,),
    ),
    (
        (
            r"hover|air taxi|vertical takeoff|taxiing|normal takeoff|normal and crosswind approach|"
            r"go-around|straight-and-level|level turns|climbs|descents"
        ),
        (HFH_BASIC,),
    ),
    (r"night", (HFH_NIGHT, PHAK_AEROMED)),
    (r"human factors", (HFH_ADM, PHAK_AEROMED)),
]

POWERED_LIFT_RULES: Rules = [
    (r"vortex ring|dynamic rollover", (HFH_EMERGENCY, HFH_AERO)),
    (
        r"emergency descent|emergency procedures|malfunctions|powerplant|restart",
        (AFH_EMERGENCY, PHAK_SYSTEMS),
    ),
    (r"inflight conversion", (PHAK_DOCUMENTS, PHAK_AERO)),
    (r"principles of flight", (PHAK_PRINCIPLES, PHAK_AERO, HFH_AERO)),
    (r"performance and limitations", (PHAK_PERFORMANCE, PHAK_WB, PHAK_DOCUMENTS)),
    (r"operation of systems|flight controls", (PHAK_SYSTEMS, PHAK_CONTROLS, PHAK_DOCUMENTS)),
    (
        (
            r"hover|air taxi|vertical takeoff|normal approach to a hover|slope|confined area|"
            r"pinnacle|rapid deceleration|quick stop"
        ),
        (HFH_BASIC, HFH_ADVANCED),
    ),
    (
        (
            r"ground taxiing|powerplant start|preflight assessment|flight deck management|"
            r"before takeoff|after landing"
        ),
        (AFH_GROUND, PHAK_DOCUMENTS),
    ),
    (r"unusual flight attitudes", (IFH_ATTITUDE, AFH_UPRT)),
    (r"radio communications, navigation", (PHAK_NAV, AIM_NAVAIDS, AIM_SERVICES)),
    (r"basic instrument maneuvers::", (IFH_ATTITUDE, IFH_MANEUVERS)),
    (r"fundamentals of flight::", (AFH_BASIC, AFH_ENERGY)),
    (r"slow flight|stall", (AFH_UPRT, PHAK_AERO)),
    (r"steep turns|specific flight characteristics", (AFH_PERF_MANEUVERS, PHAK_AERO)),
    (r"ground reference", (AFH_GROUND_REF,)),
    (r"traffic patterns", (AFH_PATTERN, AIM_AIRPORT_OPS, AIM_HELICOPTER)),
    (r"takeoff|approach and landing|running/roll-on|go-around", (AFH_TAKEOFF, AFH_LANDING, HFH_ADVANCED)),
    (r"night", (AFH_NIGHT, PHAK_AEROMED)),
]

REMOTE_PILOT_RULES: Rules = [
    (
        r"regulations::^general$",
        (
            R("CFR107", "Subpart A", "General: applicability, definitions, registration", 30),
            R("RPSG", "Chapter 1", "Applicable Regulations", 45),
        ),
    ),
    (
        r"operating rules",
        (
            R("CFR107", "Subpart B", "Operating rules", 60),
            R("AC1072", "Operating rules", "Guidance on the part 107 operating rules", 45),
            R("RPSG", "Chapter 1", "Applicable Regulations", 45),
        ),
    ),
    (
        r"remote pilot certification",
        (
            R("CFR107", "Subpart C", "Remote pilot certification", 20),
            R("RPSG", "Chapter 1", "Applicable Regulations", 45),
        ),
    ),
    (
        r"operations over people",
        (
            R("CFR107", "Subpart D", "Operations over human beings", 40),
            R("AC1072", "Operations over people", "Categories of operations over people", 30),
        ),
    ),
    (
        r"waivers",
        (R("CFR107", "Subpart E", "Waivers", 15), R("RPSG", "Chapter 1", "Applicable Regulations", 45)),
    ),
    (r"remote identification", (R("CFR89", "Entire part", "Remote identification requirements", 30),)),
    (
        r"^airspace classification$",
        (
            R(
                "RPSG",
                "Chapter 2",
                "Airspace Classification, Operating Requirements, and Flight Restrictions",
                45,
            ),
            AIM_AIRSPACE,
        ),
    ),
    (
        r"airspace operational requirements",
        (
            R(
                "RPSG",
                "Chapter 2",
                "Airspace Classification, Operating Requirements, and Flight Restrictions",
                45,
            ),
            R("CFR107", "§§ 107.41-107.51", "Airspace and operating limitations", 20),
        ),
    ),
    (r"sources of weather", (R("RPSG", "Chapter 3", "Aviation Weather Sources", 40), PHAK_WX_SERVICES)),
    (
        r"effects of weather",
        (
            R("RPSG", "Chapter 4", "Effects of Weather on Small Unmanned Aircraft Performance", 40),
            PHAK_WX_THEORY,
        ),
    ),
    (
        r"loading and performance",
        (
            R("RPSG", "Chapter 5", "Small Unmanned Aircraft Loading", 30),
            R("RPSG", "Chapter 9", "Determining the Performance of Small Unmanned Aircraft", 20),
        ),
    ),
    (r"radio communications", (R("RPSG", "Chapter 8", "Radio Communication Procedures", 30), AIM_RADIO)),
    (r"airport operations", (R("RPSG", "Chapter 12", "Airport Operations", 30), AIM_SIGNS)),
    (r"emergency procedures", (R("RPSG", "Chapter 6", "Emergency Procedures", 20),)),
    (
        r"aeronautical decision-making",
        (
            R("RPSG", "Chapter 11", "Aeronautical Decision-Making and Judgment", 30),
            R("RPSG", "Chapter 7", "Crew Resource Management", 20),
        ),
    ),
    (
        r"physiology",
        (
            R(
                "RPSG",
                "Chapter 10",
                "Physiological Factors (Including Drugs and Alcohol) Affecting Pilot Performance",
                30,
            ),
            AIM_MEDICAL,
        ),
    ),
    (
        r"maintenance and inspection",
        (R("RPSG", "Chapter 13", "Maintenance and Preflight Inspection Procedures", 30),),
    ),
]

INSTRUCTING_RULES: Rules = [
    (r"human behavior and communication", (AIH_BEHAVIOR, AIH_COMMUNICATION)),
    (r"learning process", (AIH_LEARNING,)),
    (r"course development|lesson plans|classroom", (AIH_TEACHING, AIH_PLANNING)),
    (r"evaluation|assessment|testing", (AIH_ASSESSMENT,)),
    (r"risk management and accident prevention", (AIH_RISK, RMH_RISK, AIH_FLIGHT_INSTRUCTION)),
    (r"professional environment", (AIH_PROFESSIONALISM, AIH_TEACHING)),
]


def _g(title: str, minutes: int = 45) -> Ref:
    return R("AMTG", title, title, minutes)


def _a(title: str, minutes: int = 45) -> Ref:
    return R("AMTA", title, title, minutes)


def _p(title: str, minutes: int = 45) -> Ref:
    return R("AMTP", title, title, minutes)


CFR43_RECORDS = R(
    "CFR43",
    "§§ 43.9-43.15 and Appendix D",
    "Maintenance records, inspections and the scope of an annual inspection",
    30,
)

MECHANIC_RULES: Rules = [
    (r"electricity and electronics", (_g("Fundamentals of Electricity and Electronics", 60),)),
    (r"drawings", (_g("Aircraft Drawings"),)),
    (r"weight and balance", (_g("Aircraft Weight and Balance"),)),
    (r"fluid lines", (_g("Fluid Lines and Fittings"),)),
    (r"materials, hardware", (_g("Aircraft Materials, Processes, and Hardware", 60),)),
    (r"ground operations and servicing", (_g("Safety, Ground Operations, and Servicing"),)),
    (r"cleaning and corrosion", (_g("Cleaning and Corrosion"),)),
    (r"mathematics", (_g("Mathematics in Aviation Maintenance"),)),
    (
        r"regulations, maintenance forms",
        (
            _g("Regulations, Maintenance Forms, Records, and Publications"),
            CFR43_RECORDS,
            R("CFR65", "Subpart D", "Mechanics and inspection authorization", 20),
        ),
    ),
    (r"physics", (_g("Physics for Aviation"),)),
    (r"inspection concepts|airframe inspection", (_g("Inspection Concepts and Techniques"), CFR43_RECORDS)),
    (r"human factors", (_g("Human Factors"),)),
    (r"metallic structures", (_a("Aircraft Metal Structural Repair", 60), _a("Aircraft Structures"))),
    (
        r"non-metallic structures",
        (
            _a("Aircraft Wood and Structural Repair"),
            _a("Aircraft Fabric Covering"),
            _a("Advanced Composite Materials"),
        ),
    ),
    (r"flight controls", (_a("Aerodynamics, Aircraft Assembly, and Rigging", 60),)),
    (r"landing gear", (_a("Aircraft Landing Gear Systems", 60),)),
    (r"hydraulic and pneumatic", (_a("Hydraulic and Pneumatic Power Systems", 60),)),
    (r"environmental systems", (_a("Cabin Environmental Control Systems", 60),)),
    (r"engine instrument", (_a("Aircraft Instrument Systems"), _p("Engine Maintenance and Operation"))),
    (r"instrument systems", (_a("Aircraft Instrument Systems"),)),
    (r"communication and navigation", (_a("Communication and Navigation"),)),
    (r"engine fuel", (_p("Engine Fuel and Fuel Metering Systems", 60),)),
    (r"fuel systems", (_a("Aircraft Fuel System"),)),
    (r"engine electrical", (_p("Engine Ignition and Electrical Systems"),)),
    (r"electrical systems", (_a("Aircraft Electrical System", 60),)),
    (r"ice and rain", (_a("Ice and Rain Protection"),)),
    (r"engine fire protection", (_p("Engine Fire Protection Systems"),)),
    (r"fire protection", (_a("Fire Protection Systems"),)),
    (r"rotorcraft fundamentals", (HFH_AERO, HFH_SYSTEMS)),
    (
        r"water and waste",
        (
            R("CFR43", "Part 43", "Maintenance performed under the manufacturer's instructions", 20),
            _a("Cabin Environmental Control Systems", 30),
        ),
    ),
    (
        r"reciprocating engine induction",
        (_p("Induction and Exhaust Systems"), _p("Lubrication and Cooling Systems")),
    ),
    (
        r"reciprocating engines|turbine engines",
        (_p("Aircraft Engines", 60), _p("Engine Maintenance and Operation")),
    ),
    (r"engine inspection", (_p("Engine Maintenance and Operation"), CFR43_RECORDS)),
    (r"lubrication", (_p("Lubrication and Cooling Systems"),)),
    (r"ignition and starting", (_p("Engine Ignition and Electrical Systems"), _p("Engine Starting Systems"))),
    (r"turbine engine air", (_p("Induction and Exhaust Systems"), _p("Aircraft Engines"))),
    (r"exhaust and reverser", (_p("Induction and Exhaust Systems"),)),
    (r"propellers", (_p("Propellers", 60),)),
]

FAMILIES: dict[str, list[Rules]] = {
    "PA": [AIRPLANE_RULES, COMMON_RULES],
    "CA": [AIRPLANE_RULES, COMMON_RULES],
    "AI": [AIRPLANE_RULES, COMMON_RULES],
    "MC": [COMMON_RULES],
    "AA": [AIRPLANE_RULES, INSTRUMENT_RULES, COMMON_RULES],
    "IR": [INSTRUMENT_RULES, AIRPLANE_RULES, COMMON_RULES],
    "IP": [INSTRUMENT_RULES, POWERED_LIFT_RULES, COMMON_RULES],
    "PI": [INSTRUMENT_RULES, POWERED_LIFT_RULES, COMMON_RULES],
    "IH": [HELICOPTER_RULES, INSTRUMENT_RULES, COMMON_RULES],
    "PH": [HELICOPTER_RULES, COMMON_RULES],
    "CH": [HELICOPTER_RULES, COMMON_RULES],
    "HI": [HELICOPTER_RULES, COMMON_RULES],
    "PL": [POWERED_LIFT_RULES, COMMON_RULES],
    "CP": [POWERED_LIFT_RULES, COMMON_RULES],
    "AP": [POWERED_LIFT_RULES, INSTRUMENT_RULES, COMMON_RULES],
    "IL": [POWERED_LIFT_RULES, COMMON_RULES],
    "UA": [REMOTE_PILOT_RULES],
    "FI": [INSTRUCTING_RULES],
    "AM": [MECHANIC_RULES],
}
# Instrument-procedure areas of the airline transport tests read the instrument rules first.
INSTRUMENT_AREAS = re.compile(r"instrument procedures|instrument approach|navigation aids|navigation systems")


@dataclass(frozen=True)
class TaskRow:
    prefix: str
    area: str
    task: str
    area_title: str
    task_title: str


def _matches(pattern: str, task: TaskRow) -> bool:
    """``"area regex::task regex"`` tests both titles; a plain pattern tests the task title."""
    area_pattern, sep, task_pattern = pattern.rpartition("::")
    if sep and not re.search(area_pattern, task.area_title.lower()):
        return False
    return re.search(task_pattern, task.task_title.lower()) is not None


def refs_for(task: TaskRow) -> tuple[Ref, ...]:
    """The first matching rule of the ACS's families wins."""
    families = FAMILIES.get(task.prefix, [COMMON_RULES])
    if INSTRUMENT_AREAS.search(task.area_title.lower()) and INSTRUMENT_RULES in families:
        families = [INSTRUMENT_RULES, *families]
    for rules in families:
        for pattern, refs in rules:
            if _matches(pattern, task):
                return refs
    return ()


def catalog_tasks(path: Path = CATALOG_FILE) -> list[TaskRow]:
    """Every (prefix, area, task) of the catalogue file, in file order."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = json.load(handle)
    seen: dict[tuple[str, str, str], TaskRow] = {}
    for row in rows:
        key = (row["prefix"], row["area_roman"], row["task_letter"])
        if key not in seen:
            seen[key] = TaskRow(key[0], key[1], key[2], row["area_of_operation"], row["task"])
    return list(seen.values())


def starter_rows(tasks: list[TaskRow]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for task in tasks:
        task_key = f"{task.prefix}.{task.area}.{task.task}"
        for position, ref in enumerate(refs_for(task)):
            code, title, url = PUBLICATIONS[ref.publication]
            rows.append(
                {
                    "key": f"{task_key}|{code}|{ref.chapter}"[:120],
                    "prefix": task.prefix,
                    "area": task.area,
                    "task": task.task,
                    "area_title": task.area_title,
                    "task_title": task.task_title,
                    "element_code": "",
                    "publication": code,
                    "publication_title": title,
                    "chapter": ref.chapter,
                    "title": ref.title,
                    "url": url,
                    "estimated_minutes": str(ref.minutes),
                    "position": str(position),
                }
            )
    return rows


def write_starter_csv(path: Path = STARTER_CSV) -> tuple[int, list[str]]:
    """Rewrite the starter CSV; returns the row count and the tasks no rule matched."""
    tasks = catalog_tasks()
    rows = starter_rows(tasks)
    keys = [row["key"] for row in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("two starter rows share a key")
    covered = {(r["prefix"], r["area"], r["task"]) for r in rows}
    missing = [
        f"{t.prefix}.{t.area}.{t.task} {t.task_title}"
        for t in tasks
        if (t.prefix, t.area, t.task) not in covered
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows), missing


if __name__ == "__main__":
    count, uncovered = write_starter_csv()
    sys.stdout.write(f"{count} rows written to {STARTER_CSV}\n")
    for line in uncovered:
        sys.stdout.write(f"no resource: {line}\n")
