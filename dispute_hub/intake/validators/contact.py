"""Phone numbers (mainland mobile, landline, international) and e-mail addresses."""

from __future__ import annotations

import re

from ._common import ValidationError, fail, require_text

_PHONE_ZH, _PHONE_EN = "电话号码", "phone number"
_MAIL_ZH, _MAIL_EN = "电子邮箱", "e-mail address"
_EXTENSION = re.compile(r"(?:;ext=|ext\.?|x|转|分机|#|-)\s*([0-9]{1,6})$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"\+?[0-9 ()\-.]+")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# 010 and 02X areas have 2-digit codes after the trunk 0 and 8-digit local numbers; all others 3-digit
# codes and 7- or 8-digit local numbers. Local numbers never start with 0 or 1.
_LANDLINE = re.compile(r"(?:(?P<short>10|2[0-9])(?P<local8>[2-9][0-9]{7})"
                       r"|(?P<long>[3-9][0-9]{2})(?P<local>[2-9][0-9]{6,7}))")
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DNS_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def _bad_phone(field: str, code: str) -> ValidationError:
    return fail(field, code, {
        "bad_characters": f"{_PHONE_ZH}只能包含数字、+、空格、括号和短横线",
        "missing_area_code": "固定电话请加区号，如 0513-85123456",
        "bad_mobile": "手机号码应为11位数字，以13至19开头",
        "bad_landline": "固定电话号码格式不正确，应为区号加7至8位号码",
        "bad_international": "国际电话号码应为+国家代码加号码，共8至15位数字",
    }[code], {
        "bad_characters": f"The {_PHONE_EN} may only contain digits, +, spaces, brackets and dashes",
        "missing_area_code": "Please add the area code to the landline number, e.g. 0513-85123456",
        "bad_mobile": "A mainland mobile number has 11 digits and starts with 13 to 19",
        "bad_landline": "The landline number must be an area code and a 7- or 8-digit number",
        "bad_international": "An international number is + and the country code, 8 to 15 digits in all",
    }[code])


def _mainland(national: str, extension: str, field: str) -> str:
    """``national`` holds the digits after +86 (no trunk 0); returns the E.164-like form."""
    if national.startswith("1") and not national.startswith("10"):  # 10 is Beijing's area code
        if extension or not _MOBILE.fullmatch(national):
            raise _bad_phone(field, "bad_mobile")
        return "+86" + national
    if not _LANDLINE.fullmatch(national):
        raise _bad_phone(field, "bad_landline")
    return "+86" + national + (f";ext={extension}" if extension else "")


def validate_phone(value: object, field: str = "phone") -> str:
    """A phone number in E.164-like form: "+8613912345678", "+8651385123456;ext=802", "+14155550123".

    Accepts mainland mobiles (optionally +86/0086), landlines with their area code and an optional
    extension ("转802", "ext 802"), and international numbers written with + or 00.
    """
    text = require_text(value, field, _PHONE_ZH, _PHONE_EN)
    extension = ""
    match = _EXTENSION.search(text)
    # a trailing "-NNN" is only an extension when a full landline precedes it
    if match and (match.group(0)[0] != "-" or len(re.sub(r"[^0-9]", "", text[:match.start()])) >= 10):
        extension, text = match.group(1), text[:match.start()].rstrip()
    if not _PHONE_CHARS.fullmatch(text) or "+" in text[1:]:
        raise _bad_phone(field, "bad_characters")
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if not text.startswith("+") else digits
    elif digits.startswith("86") and len(digits) >= 12:
        pass  # written without + but unmistakably +86: no national number starts with 8
    elif digits.startswith("0"):
        return _mainland(digits[1:], extension, field)
    elif digits.startswith("1"):
        if extension or not _MOBILE.fullmatch(digits):
            raise _bad_phone(field, "bad_mobile")
        return "+86" + digits
    else:
        raise _bad_phone(field, "missing_area_code" if 7 <= len(digits) <= 8 else "bad_landline")
    if digits.startswith("86"):
        national = digits[2:]
        return _mainland(national[1:] if national.startswith("0") else national, extension, field)
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        raise _bad_phone(field, "bad_international")
    return "+" + digits + (f";ext={extension}" if extension else "")


def _bad_mail(field: str, code: str, zh: str, en: str) -> ValidationError:
    return fail(field, code, f"{_MAIL_ZH}{zh}", f"The {_MAIL_EN} {en}")


def _check_domain(domain: str, field: str) -> str:
    """The domain lower-cased in Unicode form; IDN labels are checked through their ASCII (punycode) form.

    The standard library's codec implements IDNA 2003, whose mapping folds a few characters (ß to ss);
    that is acceptable for a contact address and avoids a dependency.
    """
    domain = domain.lower().rstrip(".")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
        unicode_domain = ascii_domain.encode("ascii").decode("idna")
    except (UnicodeError, ValueError):
        raise _bad_mail(field, "bad_domain", "的域名部分不正确", "has an invalid domain") from None
    labels = ascii_domain.split(".")
    if (len(labels) < 2 or len(ascii_domain) > 253 or not all(_DNS_LABEL.fullmatch(x) for x in labels)
            or len(labels[-1]) < 2 or labels[-1].isdigit()):
        raise _bad_mail(field, "bad_domain", "的域名部分不正确", "has an invalid domain")
    return unicode_domain


def validate_email(value: object, field: str = "email") -> str:
    """A pragmatic e-mail check: one @, an ASCII local part, a dotted (possibly IDN) domain, RFC lengths.

    Returns the address with the domain lower-cased (the local part keeps its case).
    """
    text = require_text(value, field, _MAIL_ZH, _MAIL_EN)
    if any(c.isspace() or not c.isprintable() for c in text):
        raise _bad_mail(field, "bad_characters", "不能包含空格或控制字符",
                        "must not contain spaces or control characters")
    if text.count("@") != 1:
        raise _bad_mail(field, "bad_format", "应包含且仅包含一个@", "must contain exactly one @")
    local, domain = text.split("@")
    if len(text) > 254 or len(local) > 64:
        raise _bad_mail(field, "too_long", "过长", "is too long")
    if not _LOCAL_PART.fullmatch(local):
        raise _bad_mail(field, "bad_local_part", "@前的部分不正确", "has an invalid part before the @")
    return f"{local}@{_check_domain(domain, field)}"
