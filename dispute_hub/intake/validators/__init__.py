"""Pure validators for intake: each returns a normalised value or raises ValidationError."""

from ._common import ValidationError
from .contact import validate_email, validate_phone
from .identity import resident_id_check_digit, uscc_check_character, validate_resident_id, validate_uscc
from .rights import PatentNumber, patent_check_digit, validate_patent_number, validate_trademark_number
from .values import validate_amount, validate_court_case_number, validate_past_date

__all__ = [
    "PatentNumber",
    "ValidationError",
    "patent_check_digit",
    "resident_id_check_digit",
    "uscc_check_character",
    "validate_amount",
    "validate_court_case_number",
    "validate_email",
    "validate_past_date",
    "validate_patent_number",
    "validate_phone",
    "validate_resident_id",
    "validate_trademark_number",
    "validate_uscc",
]
