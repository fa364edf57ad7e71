"""The unified social credit code validator (GB 32100-2015)."""

import pytest

from marketplace.accounts import credit_code


def _with_check(first17: str) -> str:
    return first17 + credit_code.check_character(first17)


@pytest.mark.parametrize(
    "first17", ["91330304MA2C4L8R0", "12330000470051726", "52330304000000000"]
)
def test_computed_check_character_makes_a_valid_code(first17):
    assert credit_code.is_valid(_with_check(first17))


@pytest.mark.parametrize(
    "code",
    [
        "12100000400000624D",
        "91350100M000100Y43",
        "911100001000044477",
        "91440300708461136T",
    ],
)
def test_codes_as_printed_on_public_registrations_are_valid(code):
    assert credit_code.is_valid(code)


def test_wrong_check_character_is_invalid():
    code = _with_check("91330304MA2C4L8R0")
    wrong = next(c for c in credit_code.CHARSET if c != code[17])
    assert not credit_code.is_valid(code[:17] + wrong)


@pytest.mark.parametrize(
    "code", ["", "9133030", "91330304MA2C4L8R0", "91330304MA2C4L8R0XX"]
)
def test_wrong_length_is_invalid(code):
    assert not credit_code.is_valid(code)


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_charset_are_invalid(letter):
    code = _with_check("91330304MA2C4L8R0")
    assert not credit_code.is_valid(code[:8] + letter + code[9:])


def test_lowercase_and_full_width_are_normalised():
    code = _with_check("91330304MA2C4L8R0")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert credit_code.normalize(code.lower()) == code
    assert credit_code.normalize(full_width) == code
    assert credit_code.normalize(f" {code[:9]}\u3000{code[9:]} ") == code
    assert credit_code.is_valid(code.lower())
    assert credit_code.is_valid(full_width)
