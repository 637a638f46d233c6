"""Units as printed in control lists -> quantity and SI conversion.

A unit expression ("GHz", "W/cm^2", "kg/m2", "mm·mrad", "degrees per hour", "°C") is parsed
into atoms with SI prefixes and exponents; its dimension (over m, kg, s, A, K, bit, rad, ...)
names the quantity and the SI unit. Flattened superscripts in units ("m2", "cm3") are read as
powers: a unit has no other reading of a trailing digit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

# Dimensions are exponent vectors over these bases. "bit", "rad", "flop" and "sample" are not SI
# base units, but keeping them apart stops a data rate from reading as a frequency.
BASES = ("m", "kg", "s", "A", "K", "mol", "bit", "rad", "flop", "sample")
Dims = tuple[int, ...]


def _dims(**exp: int) -> Dims:
    return tuple(exp.get(b, 0) for b in BASES)


# What a dimension is called, and its SI unit.
QUANTITIES: dict[Dims, tuple[str, str]] = {
    _dims(m=1): ("length", "m"),
    _dims(m=2): ("area", "m^2"),
    _dims(m=3): ("volume", "m^3"),
    _dims(kg=1): ("mass", "kg"),
    _dims(s=1): ("time", "s"),
    _dims(s=-1): ("frequency", "Hz"),
    _dims(s=-2): ("frequency drift", "Hz/s"),
    _dims(A=1): ("current", "A"),
    _dims(K=1): ("temperature", "K"),
    _dims(K=-1): ("thermal expansion", "K^-1"),
    _dims(m=1, s=-1): ("velocity", "m/s"),
    _dims(m=1, s=-2): ("acceleration", "m/s^2"),
    _dims(m=3, s=-1): ("volume flow", "m^3/s"),
    _dims(m=2, s=-1): ("kinematic viscosity", "m^2/s"),
    _dims(kg=1, s=-1): ("mass flow", "kg/s"),
    _dims(kg=1, m=1, s=-2): ("force", "N"),
    _dims(kg=1, m=1, s=-1): ("impulse", "N·s"),
    _dims(kg=1, m=-1, s=-2): ("pressure", "Pa"),
    _dims(kg=1, m=-1, s=-1): ("dynamic viscosity", "Pa·s"),
    _dims(kg=1, m=2, s=-2): ("energy", "J"),
    _dims(kg=1, m=2, s=-3): ("power", "W"),
    _dims(kg=1, m=2, s=-3, A=-1): ("voltage", "V"),
    _dims(kg=1, m=2, s=-3, A=-2): ("resistance", "Ω"),
    _dims(kg=1, m=3, s=-3, A=-2): ("resistivity", "Ω·m"),
    _dims(kg=-1, m=-3, s=3, A=2): ("conductivity", "S/m"),
    _dims(kg=-1, m=-2, s=4, A=2): ("capacitance", "F"),
    _dims(kg=1, m=2, s=-2, A=-2): ("inductance", "H"),
    _dims(kg=1, s=-2, A=-1): ("magnetic flux density", "T"),
    _dims(kg=1, m=-1, s=-2, A=-1): ("magnetic field gradient", "T/m"),
    _dims(s=1, A=1): ("charge", "C"),
    _dims(s=-1, kg=-1): ("specific activity", "Bq/kg"),
    _dims(A=1, m=-2): ("current density", "A/m^2"),
    _dims(A=1, s=-1): ("current slew rate", "A/s"),
    _dims(kg=1, m=-3): ("density", "kg/m^3"),
    _dims(kg=1, m=-2): ("areal density", "kg/m^2"),
    _dims(kg=1, m=-1): ("linear density", "kg/m"),
    _dims(kg=1, s=-3): ("power density", "W/m^2"),
    _dims(kg=1, m=-1, s=-3): ("volumetric power density", "W/m^3"),
    _dims(kg=1, s=-2): ("energy per area", "J/m^2"),
    _dims(m=2, s=-2): ("specific energy", "J/kg"),
    _dims(m=2, s=-3): ("specific power", "W/kg"),
    _dims(kg=-1, m=-2, s=3, A=1): ("responsivity", "A/W"),
    _dims(kg=-1, m=-1, s=3, A=1): ("inverse field strength", "m/V"),
    _dims(kg=-2, m=-2, s=6, A=2): ("quadratic electro-optic coefficient", "m^2/V^2"),
    _dims(m=-2, s=2): ("specific fuel consumption", "kg/J"),
    _dims(kg=1, m=1, s=-3, A=-1): ("electric field strength", "V/m"),
    _dims(s=-1, m=-1): ("per length per time", "m^-1·s^-1"),
    _dims(m=-2): ("fluence", "m^-2"),
    _dims(m=-1): ("inverse length", "m^-1"),
    _dims(m=2, kg=-1): ("specific area", "m^2/kg"),
    _dims(bit=1): ("data size", "bit"),
    _dims(bit=1, s=-1): ("data rate", "bit/s"),
    _dims(bit=-1, s=-1): ("error rate", "1/(bit·s)"),
    _dims(rad=1): ("angle", "rad"),
    _dims(rad=1, s=-1): ("angular rate", "rad/s"),
    _dims(rad=1, s=-2): ("angular acceleration", "rad/s^2"),
    _dims(rad=1, m=1): ("beam parameter product", "m·rad"),
    _dims(flop=1, s=-1): ("computing rate", "FLOP/s"),
    _dims(sample=1, s=-1): ("sample rate", "sample/s"),
}


@dataclass(frozen=True)
class Unit:
    """A parsed unit: value_si = value * factor + offset (offset only for °C and °F)."""

    quantity: str
    si_unit: str | None  # None: dimensionless (%, dB, Mach) or no SI equivalent (counts)
    factor: float
    offset: float = 0.0

    def to_si(self, value: float) -> float | None:
        if self.si_unit is None:
            return None
        return value * self.factor + self.offset


@dataclass(frozen=True)
class _Atom:
    factor: float
    dims: Dims
    quantity: str | None = None  # names the quantity when the atom stands alone (Gy, rad(Si))
    prefixable: bool = True
    si: str | None = None  # the SI unit's own name when the dimension alone does not say it (Gy)


_PREFIXES = {"Y": 1e24, "Z": 1e21, "E": 1e18, "P": 1e15, "T": 1e12, "G": 1e9, "M": 1e6, "k": 1e3,
             "h": 1e2, "c": 1e-2, "m": 1e-3, "µ": 1e-6, "μ": 1e-6, "u": 1e-6, "n": 1e-9,
             "p": 1e-12, "f": 1e-15}
# "da", "d" and "a" are left out: "dB" would read as deci-bel-something and "10 as" as attoseconds;
# none of them occurs in the lists.

_GY = _dims(m=2, s=-2)
_SYMBOLS: dict[str, _Atom] = {
    "m": _Atom(1, _dims(m=1)),
    "g": _Atom(1e-3, _dims(kg=1)),
    "s": _Atom(1, _dims(s=1)),
    "A": _Atom(1, _dims(A=1)),
    "K": _Atom(1, _dims(K=1), prefixable=False),
    "mol": _Atom(1, _dims(mol=1)),
    "Hz": _Atom(1, _dims(s=-1)),
    "N": _Atom(1, _dims(kg=1, m=1, s=-2)),
    "Ns": _Atom(1, _dims(kg=1, m=1, s=-1)),  # "MNs", "kNs/kg": newton seconds written together
    "Pa": _Atom(1, _dims(kg=1, m=-1, s=-2)),
    "bar": _Atom(1e5, _dims(kg=1, m=-1, s=-2)),
    "psi": _Atom(6894.757, _dims(kg=1, m=-1, s=-2), prefixable=False),
    "Torr": _Atom(133.322368, _dims(kg=1, m=-1, s=-2), prefixable=False),
    "torr": _Atom(133.322368, _dims(kg=1, m=-1, s=-2), prefixable=False),
    "mmHg": _Atom(133.322387, _dims(kg=1, m=-1, s=-2), prefixable=False),
    "atm": _Atom(101325, _dims(kg=1, m=-1, s=-2), prefixable=False),
    "J": _Atom(1, _dims(kg=1, m=2, s=-2)),
    "eV": _Atom(1.602176634e-19, _dims(kg=1, m=2, s=-2)),
    "W": _Atom(1, _dims(kg=1, m=2, s=-3)),
    "Wh": _Atom(3600, _dims(kg=1, m=2, s=-2)),
    "VA": _Atom(1, _dims(kg=1, m=2, s=-3)),
    "V": _Atom(1, _dims(kg=1, m=2, s=-3, A=-1)),
    "Ω": _Atom(1, _dims(kg=1, m=2, s=-3, A=-2)),
    "ohm": _Atom(1, _dims(kg=1, m=2, s=-3, A=-2)),
    "ohms": _Atom(1, _dims(kg=1, m=2, s=-3, A=-2)),
    "S": _Atom(1, _dims(kg=-1, m=-2, s=3, A=2)),
    "F": _Atom(1, _dims(kg=-1, m=-2, s=4, A=2)),
    "H": _Atom(1, _dims(kg=1, m=2, s=-2, A=-2)),
    "T": _Atom(1, _dims(kg=1, s=-2, A=-1)),
    "C": _Atom(1, _dims(s=1, A=1)),
    "Gy": _Atom(1, _GY, "absorbed dose", si="Gy"),
    "Sv": _Atom(1, _GY, "dose equivalent", si="Sv"),
    "Bq": _Atom(1, _dims(s=-1), "activity", si="Bq"),
    "Ci": _Atom(3.7e10, _dims(s=-1), "activity", si="Bq"),
    "Gal": _Atom(1e-2, _dims(m=1, s=-2)),
    "L": _Atom(1e-3, _dims(m=3)),
    "l": _Atom(1e-3, _dims(m=3)),
    "t": _Atom(1e3, _dims(kg=1), prefixable=False),
    "u": _Atom(1.66053906660e-27, _dims(kg=1), prefixable=False),
    "Da": _Atom(1.66053906660e-27, _dims(kg=1)),
    "bit": _Atom(1, _dims(bit=1)),
    "bits": _Atom(1, _dims(bit=1)),
    "b": _Atom(1, _dims(bit=1)),
    "B": _Atom(8, _dims(bit=1)),
    "byte": _Atom(8, _dims(bit=1)),
    "bytes": _Atom(8, _dims(bit=1)),
    "Byte": _Atom(8, _dims(bit=1)),
    "bps": _Atom(1, _dims(bit=1, s=-1)),
    "rad": _Atom(1, _dims(rad=1)),
    "FLOPS": _Atom(1, _dims(flop=1, s=-1)),
    "SPS": _Atom(1, _dims(sample=1, s=-1)),
    "sps": _Atom(1, _dims(sample=1, s=-1)),
    "Sa/s": _Atom(1, _dims(sample=1, s=-1)),
    "cSt": _Atom(1e-6, _dims(m=2, s=-1), prefixable=False),
    "St": _Atom(1e-4, _dims(m=2, s=-1), prefixable=False),
    "P": _Atom(0.1, _dims(kg=1, m=-1, s=-1), prefixable=False),
    "cP": _Atom(1e-3, _dims(kg=1, m=-1, s=-1), prefixable=False),
    "h": _Atom(3600, _dims(s=1), prefixable=False),
    "hr": _Atom(3600, _dims(s=1), prefixable=False),
    "min": _Atom(60, _dims(s=1), prefixable=False),
    "sec": _Atom(1, _dims(s=1), prefixable=False),
    "ft": _Atom(0.3048, _dims(m=1), prefixable=False),
    "lb": _Atom(0.45359237, _dims(kg=1), prefixable=False),
    "lbf": _Atom(4.4482216152605, _dims(kg=1, m=1, s=-2), prefixable=False),
    "frames": _Atom(1, _dims(), prefixable=False),  # "1,000,000 frames/s": a rate of frames
    "pulses": _Atom(1, _dims(), prefixable=False),
    "lbs": _Atom(0.45359237, _dims(kg=1), prefixable=False),
    "hp": _Atom(745.69987, _dims(kg=1, m=2, s=-3), prefixable=False),
    "cc": _Atom(1e-6, _dims(m=3), prefixable=False),
    "Å": _Atom(1e-10, _dims(m=1), prefixable=False),
    "°": _Atom(math.pi / 180, _dims(rad=1), prefixable=False),
    "º": _Atom(math.pi / 180, _dims(rad=1), prefixable=False),
    "deg": _Atom(math.pi / 180, _dims(rad=1), prefixable=False),
    "n": _Atom(1, _dims(), prefixable=False),  # neutrons, in "n/cm2" fluences
    "pixel": _Atom(1, _dims(), prefixable=False),
}

# Spelled-out units, matched case-insensitively, singular and plural (English, French, German).
_WORD_UNITS: dict[str, _Atom] = {}


def _word(names: str, factor: float, dims: Dims, quantity: str | None = None, si: str | None = None) -> None:
    for name in names.split("|"):
        _WORD_UNITS[name] = _Atom(factor, dims, quantity, si=si)


_SPELLED_PREFIXES = {"": 1.0, "kilo": 1e3, "mega": 1e6, "giga": 1e9, "tera": 1e12, "milli": 1e-3,
                     "micro": 1e-6, "nano": 1e-9, "pico": 1e-12, "femto": 1e-15, "centi": 1e-2}
for _p, _f in _SPELLED_PREFIXES.items():
    _word(f"{_p}meter|{_p}meters|{_p}metre|{_p}metres|{_p}mètre|{_p}mètres", _f, _dims(m=1))
    _word(f"{_p}second|{_p}seconds|{_p}seconde|{_p}secondes|{_p}sekunde|{_p}sekunden", _f, _dims(s=1))
    _word(f"{_p}gram|{_p}grams|{_p}gramme|{_p}grammes", _f * 1e-3, _dims(kg=1))
    _word(f"{_p}watt|{_p}watts", _f, _dims(kg=1, m=2, s=-3))
    _word(f"{_p}volt|{_p}volts", _f, _dims(kg=1, m=2, s=-3, A=-1))
    _word(f"{_p}joule|{_p}joules", _f, _dims(kg=1, m=2, s=-2))
    _word(f"{_p}hertz", _f, _dims(s=-1))
    _word(f"{_p}pascal|{_p}pascals", _f, _dims(kg=1, m=-1, s=-2))
    _word(f"{_p}newton|{_p}newtons", _f, _dims(kg=1, m=1, s=-2))
    _word(f"{_p}ampere|{_p}amperes|{_p}ampère|{_p}ampères", _f, _dims(A=1))
    _word(f"{_p}radian|{_p}radians", _f, _dims(rad=1))
    _word(f"{_p}curie|{_p}curies", _f * 3.7e10, _dims(s=-1), "activity", "Bq")
    _word(f"{_p}byte|{_p}bytes|{_p}octet|{_p}octets", _f * 8, _dims(bit=1))
    _word(f"{_p}samples per second|{_p} samples per second", _f, _dims(sample=1, s=-1))
# nuclear material: an "effective gram" weighs the material by its enrichment (EAR/EU definition),
# still a mass; Canada's French "grammes efficaces" reads as "grammes" (so both languages agree)
_word("effective gram|effective grams|effective gramme|effective grammes", 1e-3, _dims(kg=1))
_word("effective kilogram|effective kilograms|effective kilogramme|effective kilogrammes", 1.0, _dims(kg=1))
_word("micron|microns", 1e-6, _dims(m=1))
_word("angstrom|angstroms|ångström", 1e-10, _dims(m=1))
_word("hour|hours|heure|heures|stunde|stunden", 3600, _dims(s=1))
_word("minute|minutes|minuten", 60, _dims(s=1))
_word("day|days|jour|jours|tag|tage", 86400, _dims(s=1))
_word("week|weeks", 604800, _dims(s=1))
_word("month|months|mois", 2629800, _dims(s=1))
_word("year|years|an|ans|jahr|jahre", 31557600, _dims(s=1))
_word("liter|liters|litre|litres", 1e-3, _dims(m=3))
_word("tonne|tonnes|tonnen", 1e3, _dims(kg=1))
_word("foot|feet", 0.3048, _dims(m=1))
_word("caliber|calibre", 0.0254, _dims(m=1))  # ".50 caliber (12.7 mm)": US calibres are in inches
_word("square meter|square meters|square metre|square metres|mètre carré|mètres carrés", 1, _dims(m=2))
_word("cubic meter|cubic meters|cubic metre|cubic metres|mètre cube|mètres cubes", 1, _dims(m=3))
_word("square centimeter|square centimeters|square centimetre|square centimetres", 1e-4, _dims(m=2))
_word("cubic centimeter|cubic centimeters|cubic centimetre|cubic centimetres", 1e-6, _dims(m=3))
_word("inch|inches|pouce|pouces", 0.0254, _dims(m=1))
_word("mile|miles", 1609.344, _dims(m=1))
_word("nautical mile|nautical miles|mille marin|milles marins", 1852, _dims(m=1))
_word("knot|knots|noeud|noeuds|nœud|nœuds", 1852 / 3600, _dims(m=1, s=-1))
_word("pound|pounds", 0.45359237, _dims(kg=1))
_word("degree|degrees|degré|degrés|grad", math.pi / 180, _dims(rad=1))
_word("arc minute|arc minutes|arc-minute|arc-minutes|minute of arc|minutes of arc", math.pi / 10800,
      _dims(rad=1))
_word("arc second|arc seconds|arc-second|arc-seconds|second of arc|seconds of arc|arcsec",
      math.pi / 648000, _dims(rad=1))

# Units with no SI dimension: (quantity, canonical symbol).
_DIMENSIONLESS: dict[str, str] = {
    "%": "ratio", "‰": "ratio", "percent": "ratio", "per cent": "ratio", "pour cent": "ratio",
    "prozent": "ratio", "ppm": "ratio", "ppb": "ratio", "parts per million": "ratio",
    "part per million": "ratio", "parts per billion": "ratio",
    "dB": "level", "dBc": "level", "dBi": "level", "dBfs": "level", "dBFS": "level",
    "dBm": "power level", "dBW": "power level", "dBc/Hz": "phase noise", "dBm/Hz": "power spectral density",
    "dB(A)": "sound level",
}
# Things counted: a threshold on them is a parameter ("10,000 cycles or more", "50 rounds").
_COUNTS = {"cycles", "rounds", "axes", "channels", "elements", "pixels", "stages", "layers", "turns",
           "cartouches", "coups", "cycles de fonctionnement"}

# Temperatures carry an offset, so they are units of their own, never parts of a compound.
_TEMPERATURES: dict[str, Unit] = {
    "°C": Unit("temperature", "K", 1.0, 273.15),
    "ºC": Unit("temperature", "K", 1.0, 273.15),
    "℃": Unit("temperature", "K", 1.0, 273.15),
    "° C": Unit("temperature", "K", 1.0, 273.15),
    "degrees C": Unit("temperature", "K", 1.0, 273.15),
    "degrees Celsius": Unit("temperature", "K", 1.0, 273.15),
    "degrés Celsius": Unit("temperature", "K", 1.0, 273.15),
    "Grad Celsius": Unit("temperature", "K", 1.0, 273.15),
    "°F": Unit("temperature", "K", 5 / 9, 459.67 * 5 / 9),
    "degrees F": Unit("temperature", "K", 5 / 9, 459.67 * 5 / 9),
    "degrees Fahrenheit": Unit("temperature", "K", 5 / 9, 459.67 * 5 / 9),
    "kelvin": Unit("temperature", "K", 1.0),
    "degrees Kelvin": Unit("temperature", "K", 1.0),
}
# Radiation dose in rads (0.01 Gy); "rad" alone after a number is a radian, "rad (Si)" a dose.
_DOSE_RAD = {"Rads": 0.01, "rads": 0.01, "Rad": 0.01, "rad(Si)": 0.01, "rad (Si)": 0.01,
             "rads (Si)": 0.01, "Rads (Si)": 0.01, "rads(Si)": 0.01, "Rads(Si)": 0.01}


def _atom(token: str) -> _Atom | None:
    """One unit atom with an optional SI prefix: "GHz", "µm", "kPa"."""
    if token in _SYMBOLS:
        return _SYMBOLS[token]
    if len(token) > 1 and token[0] in _PREFIXES:
        base = _SYMBOLS.get(token[1:])
        if base is not None and base.prefixable:
            return _Atom(base.factor * _PREFIXES[token[0]], base.dims, base.quantity, si=base.si)
    if token.endswith("FLOPS") and token[:-5] in _PREFIXES:
        return _Atom(_PREFIXES[token[:-5]], _dims(flop=1, s=-1))
    return _WORD_UNITS.get(token.lower())


_POWER = re.compile(r"(?:\^\(?([−\-–]?\d)\)?|([²³])|(?<=[a-zµμ])([23])|([−\-–]\d))$")
_SUPERSCRIPT = {"²": 2, "³": 3}


def _powered(token: str) -> tuple[_Atom, int] | None:
    """An atom with an exponent: "cm^2", "m2", "cm³", "K^-1", "s−1"."""
    match = _POWER.search(token)
    if match is None:
        atom = _atom(token)
        return (atom, 1) if atom else None
    raw = next(g for g in match.groups() if g)
    power = _SUPERSCRIPT.get(raw) or int(raw.replace("−", "-").replace("–", "-"))
    atom = _atom(token[: match.start()])
    return (atom, power) if atom else None


_PRODUCT = re.compile(r"[·⋅•]|(?<=[a-zA-Zµ])-(?=[a-zA-Zµ])")


def _compound(expr: str) -> Unit | None:
    """ "W/cm^2", "kg/m2", "mm·mrad", "g-mm/kg", "Error/bit/day" -> Unit."""
    parts = expr.split("/")
    if any(not p for p in parts) or len(parts) > 3:
        return None
    factor, dims = 1.0, [0] * len(BASES)
    named: _Atom | None = None
    atoms = 0
    for i, part in enumerate(parts):
        sign = 1 if i == 0 else -1
        if i == 0 and part.lower() in {"error", "errors", "erreur", "erreurs"}:
            continue  # "1 x 10^-11 error/bit/day": the error is counted, not measured
        for piece in _PRODUCT.split(part):
            powered = _powered(piece)
            if powered is None:
                return None
            atom, power = powered
            factor *= atom.factor ** (sign * power)
            dims = [d + sign * power * a for d, a in zip(dims, atom.dims, strict=True)]
            named = atom if atoms == 0 and sign == 1 else None
            atoms += 1
    key = tuple(dims)
    if named is not None and named.quantity and atoms == 1:
        return Unit(named.quantity, named.si or QUANTITIES[key][1], factor)
    if all(d == 0 for d in key):
        return None  # "n" alone, or units that cancel: not a measurement we can name
    quantity, si_unit = QUANTITIES.get(key, ("other", _dims_name(key)))
    if named is not None and named.si == "Gy" and key == _dims(m=2, s=-3):
        quantity, si_unit = "dose rate", "Gy/s"
    if key == _dims(kg=1, m=-1, s=-2) and re.search(r"J|Wh|joule", parts[0]):
        quantity, si_unit = "volumetric energy density", "J/m^3"
    if key == _dims(bit=1) and "/Hz" in expr:
        quantity, si_unit = "spectral efficiency", "bit/s/Hz"
    return Unit(quantity, si_unit, factor)


def _compound_word(word: str) -> Unit | None:
    atom = _WORD_UNITS[word]
    quantity, si_unit = QUANTITIES.get(atom.dims, ("other", _dims_name(atom.dims)))
    return Unit(atom.quantity or quantity, atom.si or si_unit, atom.factor)


def _dims_name(dims: Dims) -> str:
    return "·".join(b if e == 1 else f"{b}^{e}" for b, e in zip(BASES, dims, strict=True) if e)


@lru_cache(maxsize=4096)
def parse_unit(expr: str) -> Unit | None:
    """The unit for an expression printed after a number, or None if it is not a unit."""
    expr = expr.strip()
    if not expr:
        return None
    if expr in _TEMPERATURES:
        return _TEMPERATURES[expr]
    if expr in _DOSE_RAD:
        return Unit("absorbed dose", "Gy", _DOSE_RAD[expr])
    if expr.endswith(("Gy(Si)", "Gy (Si)")):
        return parse_unit(expr[: expr.index("Gy") + 2])
    if expr in _DIMENSIONLESS or expr.lower() in {"percent", "per cent", "pour cent", "prozent"}:
        return Unit(_DIMENSIONLESS.get(expr, "ratio"), None, 1.0)
    if expr.lower() in _COUNTS:
        return Unit("count", None, 1.0)
    if expr == "Mach":
        return Unit("mach number", None, 1.0)
    if expr in {"rpm", "r.p.m", "r.p.m.", "tr/min", "revolutions per minute"}:
        return Unit("rotational speed", "Hz", 1 / 60)
    if expr in {"g0", "G"}:
        return Unit("acceleration", "m/s^2", 9.80665)
    if expr.lower() in {"micro g", "micro-g", "µg0"}:
        return Unit("acceleration", "m/s^2", 9.80665e-6)
    if expr.lower() in {"weighted teraflops", "wt"}:
        return Unit("adjusted peak performance", None, 1.0)
    if expr.lower() in _WORD_UNITS:  # "arc-second": a hyphenated word, not a product of two units
        return _compound_word(expr.lower())
    return _compound(expr)


ACCELERATION_G = Unit("acceleration", "m/s^2", 9.80665)

# Symbols that are units only with a prefix or in a compound: alone after a number they are far
# more often something else ("1 N (2 nitrotriazol", "Part 2 C", "2 b.").
_NOT_ALONE = {"b", "B", "C", "S", "F", "H", "P", "l", "n", "Da", "St", "sec", "pixel", "an", "ans", "mois",
              "tag", "tage", "grad"}
_DEGREE = Unit("angle", "rad", math.pi / 180)
_EXTRA_PHRASES = ["micro g", "Weighted TeraFLOPS", "revolutions per minute"]
_PHRASES = sorted(
    [k for k in (*_TEMPERATURES, *_WORD_UNITS, *_DIMENSIONLESS) if " " in k] + list(_DOSE_RAD) + _EXTRA_PHRASES,
    key=len, reverse=True)
_PHRASE = re.compile("|".join(re.escape(p) for p in _PHRASES), re.IGNORECASE)
_TOKEN = re.compile(r"(?:[^\s,;:()\[\]{}\"“”‘’'«»–—=<>≤≥±]|[–−](?=\d))+")
_PER = re.compile(r"\s(?:per|par|pro)\s(?:(?:one|a|an|un|une|1)\s)?(?P<unit>(?:(?:square|cubic) )?[A-Za-zµμ°éè]+\b)")
_SI_SUFFIX = re.compile(r"\s?\((?:Si|SI|si)\)")
_RATE = re.compile(r"/([a-z]+)\b")
_GAP = re.compile(r"[ \u00a0\u202f\u2009]?")
_QUOTED = re.compile(r"[ \u00a0]?[\"“](?P<phrase>[^\"“”]{2,30})[\"”]")


@dataclass(frozen=True)
class UnitMatch:
    unit: Unit
    printed: str
    end: int


def match_unit(text: str, pos: int) -> UnitMatch | None:
    """The unit printed at `pos` (just after a number), if any: "GHz", "W/cm^2", "°C",
    "nautical miles", "degrees per hour", "Gy (Si)"."""
    gap = _GAP.match(text, pos)
    start = gap.end() if gap else pos
    phrase = _PHRASE.match(text, start)
    if phrase and not _continues(text, phrase.end()):
        printed = phrase.group()
        unit = parse_unit(printed) or parse_unit(_canonical_phrase(printed))
        if unit is not None:
            return _with_per(text, UnitMatch(unit, printed, phrase.end()))
    quoted = _QUOTED.match(text, pos)
    if quoted is not None:
        # four "effective grammes" or less (eu:0C002): a defined unit in the list's quotes
        unit = parse_unit(_canonical_phrase(quoted.group("phrase")))
        if unit is not None:
            return UnitMatch(unit, quoted.group().lstrip(), quoted.end())
    if start == pos and text.startswith("o", pos) and not text[pos + 1:pos + 2].isalnum():
        return UnitMatch(_DEGREE, "o", pos + 1)  # "20o", "0,5o": a degree sign flattened to a letter
    if text.startswith("r.p.m.", start):
        return UnitMatch(Unit("rotational speed", "Hz", 1 / 60), "r.p.m.", start + 6)
    token = _TOKEN.match(text, start)
    if token is None:
        return None
    printed = token.group().rstrip(".*")
    end = start + len(printed)
    if printed in _NOT_ALONE:
        return None
    unit = parse_unit(printed)
    if unit is None:
        return None
    if printed.endswith(("Gy", "rad", "rads", "Rads")) and (si := _SI_SUFFIX.match(text, end)):
        dose = (parse_unit(printed + "(Si)") if "rad" in printed.lower() else unit) or unit
        rate = _RATE.match(text, si.end())
        if rate and dose.si_unit and (per_time := parse_unit(rate.group(1))) and per_time.si_unit == "s":
            return UnitMatch(Unit("dose rate", f"{dose.si_unit}/s", dose.factor / per_time.factor),
                             text[start:rate.end()], rate.end())
        return UnitMatch(dose, text[start:si.end()], si.end())
    return _with_per(text, UnitMatch(unit, printed, end))


def _continues(text: str, end: int) -> bool:
    return end < len(text) and (text[end].isalnum() or text[end] in "/^")


def _canonical_phrase(printed: str) -> str:
    for key in _PHRASES:
        if key.lower() == printed.lower():
            return key
    return printed


def _with_per(text: str, found: UnitMatch) -> UnitMatch:
    """ "0,5 degree per hour", "152,4 m par seconde": a unit divided by the one after "per"."""
    per = _PER.match(text, found.end)
    if per is None or found.unit.si_unit is None or found.unit.offset:
        return found
    combined = parse_unit(f"{found.printed}/{per.group('unit')}")
    if combined is None:
        return found
    return UnitMatch(combined, text[found.end - len(found.printed):per.end()], per.end())
