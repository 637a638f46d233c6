"""Units printed in the lists -> quantity and SI value (conversion factors from the SI brochure and
the definitions of the non-SI units: 1 nautical mile = 1852 m, 1 lbf = 4.4482216152605 N, ...)."""

from __future__ import annotations

import math

import pytest

from nlp.extract.units import match_unit, parse_unit


@pytest.mark.parametrize(("printed", "quantity", "si_unit", "si_of_one"), [
    ("GHz", "frequency", "Hz", 1e9), ("MHz", "frequency", "Hz", 1e6), ("kHz", "frequency", "Hz", 1e3),
    ("nm", "length", "m", 1e-9), ("µm", "length", "m", 1e-6), ("μm", "length", "m", 1e-6), ("mm", "length", "m", 1e-3),
    ("km", "length", "m", 1e3), ("W", "power", "W", 1.0), ("kW", "power", "W", 1e3), ("mW", "power", "W", 1e-3),
    ("MW", "power", "W", 1e6), ("MPa", "pressure", "Pa", 1e6), ("kPa", "pressure", "Pa", 1e3),
    ("bar", "pressure", "Pa", 1e5), ("Torr", "pressure", "Pa", 133.322368), ("kg", "mass", "kg", 1.0),
    ("g", "mass", "kg", 1e-3), ("t", "mass", "kg", 1e3), ("m/s", "velocity", "m/s", 1.0),
    ("km/h", "velocity", "m/s", 1 / 3.6), ("knots", "velocity", "m/s", 1852 / 3600),
    ("rpm", "rotational speed", "Hz", 1 / 60),
    ("bit", "data size", "bit", 1.0), ("Mbit/s", "data rate", "bit/s", 1e6), ("Gbyte/s", "data rate", "bit/s", 8e9),
    ("Gy", "absorbed dose", "Gy", 1.0), ("Rads", "absorbed dose", "Gy", 0.01), ("h", "time", "s", 3600.0),
    ("hours", "time", "s", 3600.0), ("min", "time", "s", 60.0), ("minutes", "time", "s", 60.0), ("s", "time", "s", 1.0),
    ("µs", "time", "s", 1e-6), ("ns", "time", "s", 1e-9), ("ps", "time", "s", 1e-12), ("fs", "time", "s", 1e-15),
    ("W/cm2", "power density", "W/m^2", 1e4), ("W/cm^2", "power density", "W/m^2", 1e4),
    ("kg/m3", "density", "kg/m^3", 1.0), ("g/cm3", "density", "kg/m^3", 1e3), ("m2", "area", "m^2", 1.0),
    ("cm3", "volume", "m^3", 1e-6), ("nT/m", "magnetic field gradient", "T/m", 1e-9),
    ("mA/W", "responsivity", "A/W", 1e-3), ("GFLOPS", "computing rate", "FLOP/s", 1e9),
    ("MSPS", "sample rate", "sample/s", 1e6), ("mm·mrad", "beam parameter product", "m·rad", 1e-6),
    ("kNs/kg", "velocity", "m/s", 1e3), ("MNs", "impulse", "N·s", 1e6), ("lbf", "force", "N", 4.4482216152605),
    ("kV", "voltage", "V", 1e3), ("nautical miles", "length", "m", 1852.0), ("K^-1", "thermal expansion", "K^-1", 1.0),
    ("K–1", "thermal expansion", "K^-1", 1.0), ("deg/s", "angular rate", "rad/s", math.pi / 180),
    ("arc minutes", "angle", "rad", math.pi / 10800), ("mGal", "acceleration", "m/s^2", 1e-5),
])
def test_units(printed: str, quantity: str, si_unit: str, si_of_one: float) -> None:
    unit = parse_unit(printed)
    assert unit is not None, printed
    assert (unit.quantity, unit.si_unit) == (quantity, si_unit)
    assert unit.to_si(1.0) == pytest.approx(si_of_one)


def test_celsius_and_fahrenheit_have_offsets() -> None:
    celsius = parse_unit("°C")
    assert celsius is not None and celsius.to_si(-54.0) == pytest.approx(219.15)
    fahrenheit = parse_unit("°F")
    assert fahrenheit is not None and fahrenheit.to_si(32.0) == pytest.approx(273.15)


@pytest.mark.parametrize("printed", ["%", "dB", "dBm", "ppm", "Mach"])
def test_dimensionless_units_have_no_si_value(printed: str) -> None:
    unit = parse_unit(printed)
    assert unit is not None and unit.si_unit is None and unit.to_si(3.0) is None


def test_units_in_running_text() -> None:
    found = match_unit("0,5 degree per hour, when", 4)
    assert found is not None and (found.printed, found.unit.quantity) == ("degree per hour", "angular rate")
    found = match_unit("5 × 10^6 Gy (Si)/s = ", 9)
    assert found is not None and (found.printed, found.unit.si_unit) == ("Gy (Si)/s", "Gy/s")
    found = match_unit("exceeding 20o from the vertical", 12)  # a degree sign flattened to a letter o
    assert found is not None and found.unit.quantity == "angle"
    assert match_unit("1 N (2 nitrotriazol", 1) is not None  # a bare N is a newton ...
    assert match_unit("3 S-trimesoyl", 1) is None  # ... a chemical prefix is not a siemens
    assert match_unit("5 apples", 1) is None
