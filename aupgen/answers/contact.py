"""Contact details checked as a person would: UK phone numbers with `phonenumbers`, email
addresses with `email-validator` (its syntax checks only: nothing is looked up on the network).

A contact answer may hold an email address, a phone number, or both ("dsl@school.org, 0161 496
0000"); each one in it must be right. Numbers are read as UK numbers unless they start with +.
"""

from __future__ import annotations

import re
from functools import lru_cache

# phonenumbers and email_validator load when an answer holds a number or an address (each takes
# 10-20 ms to load, which `aupgen new` would spend before its first question).

_EMAIL_LIKE = re.compile(r"[^\s,;<>()]*@[^\s,;<>()]*")
# A run of digits (or letters O, o, I, l typed for 0 and 1), spaces, brackets and dashes.
_PHONE_LIKE = re.compile(r"(?<![A-Za-z0-9@.])\+?\(?[0-9OoIl][0-9OoIl \t()\-]{4,}[0-9OoIl](?![A-Za-z0-9@])")
_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})
_DRAMA = re.compile(r"^(?:01(?:1[3-8]|[2-6]1)4960\d{3}|01914980\d{3}|02079460\d{3}|02896496\d{3}|02920180\d{3}"
                    r"|01632960\d{3}|07700900\d{3}|08081570\d{3}|09098790\d{3}|03069990\d{3})$")
"""The numbers Ofcom keeps for drama, which examples and training use: never anyone's line, so accepted.

Each a block of 1,000: 0113 to 0118, 0121, 0131, 0141, 0151 and 0161 496 0xxx; 0191 498 0xxx;
020 7946 0xxx; 028 9649 6xxx; 029 2018 0xxx; 01632 960xxx (no real area); 07700 900xxx (mobile);
08081 570xxx (freephone); 0909 879 0xxx (premium rate); 03069 990xxx (UK-wide). `phonenumbers`
counts some of them (0115 496 0641) as unallocated, which is why they are listed here.
"""
UK_DIGITS = 11


@lru_cache(maxsize=1024)
def contact_problem(text: str) -> str | None:
    """What is wrong with a contact answer, as the end of a sentence, or None when it is fine."""
    emails = [m.group().strip(".") for m in _EMAIL_LIKE.finditer(text)]
    rest = _EMAIL_LIKE.sub(" ", text)
    phones = [m.group().strip() for m in _PHONE_LIKE.finditer(rest)]
    phones = [p for p in phones if sum(c.isdigit() for c in p) >= 3]
    if not emails and not phones:
        return f"{_show(text)} is neither an email address nor a phone number; expected one of them"
    for address in emails:
        problem = email_problem(address)
        if problem:
            return problem
    for number in phones:
        problem = phone_problem(number)
        if problem:
            return problem
    return None


def email_problem(address: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return f"{_show(address)} is not a valid email address: {str(error).rstrip('.')}"
    return None


def phone_problem(number: str) -> str | None:
    fixed = number.translate(_LOOKALIKES)
    if fixed != number:
        if _valid(fixed):
            return (f"{_show(number)} has a letter where a digit should be; did you mean "
                    f"{_national(fixed)}?")
        return f"{_show(number)} has a letter where a digit should be, and is not a UK phone number"
    digits = re.sub(r"\D", "", number)
    if _valid(number):
        if not number.startswith(("+", "0", "(0")):
            return f"{_show(number)} is missing the 0 a UK number starts with; did you mean {_national(number)}?"
        return None
    if not number.startswith("+"):
        if len(digits) < UK_DIGITS:
            return (f"{_show(number)} is too short for a UK phone number ({len(digits)} digits; a UK number has "
                    f"{UK_DIGITS}, such as 0161 496 0000); check for a missing digit")
        if len(digits) > UK_DIGITS:
            return (f"{_show(number)} is too long for a UK phone number ({len(digits)} digits; a UK number has "
                    f"{UK_DIGITS}, such as 0161 496 0000)")
        if not digits.startswith("0"):
            return f"{_show(number)} is not a UK phone number; did you mean 0{digits}? (UK numbers start with 0)"
    if number.startswith("+") and not re.sub(r"[^\d+]", "", number).startswith("+44"):
        return f"{_show(number)} is not a phone number in use; check the country code and the digits"
    return (f"{_show(number)} is not a UK phone number in use (its area code or first digits are not given out); "
            "check the digits")


def _valid(number: str) -> bool:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return False
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")
    return phonenumbers.is_valid_number(parsed) or bool(_DRAMA.match(national))


def _national(number: str) -> str:
    import phonenumbers

    parsed = phonenumbers.parse(number, "GB")
    if parsed.country_code != 44:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _show(text: str) -> str:
    return f"'{text if len(text) <= 60 else text[:59] + '…'}'"
