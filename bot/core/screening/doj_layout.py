"""The California DOJ's bulk criminal history research file: its 95 fields, in order.

The layout is public (Code for America's ``gogen`` reads the same file). A first row starting
``RECORD_ID`` is a header and may be absent, so fields are found by position, never by name.
"""

from __future__ import annotations

FIELDS = (
    "RECORD_ID",
    "SUBJECT_STATUS",
    "SUBJECT_ID",
    "REQ_SEG_SEP",
    "REQ_CII_NUMBER",
    "REQ_NAME",
    "REQ_GENDER",
    "REQ_DOB",
    "REQ_CDL",
    "REQ_SSN",
    "PII_SEG_SEP",
    "CII_NUMBER",
    "PRI_NAME",
    "GENDER",
    "PRI_DOB",
    "PRI_SSN",
    "PRI_CDL",
    "PRI_IDN",
    "PRI_INN",
    "FBI_NUMBER",
    "PDR_SEG_SEP",
    "RACE_CODE",
    "RACE_DESCR",
    "EYE_COLOR_CODE",
    "EYE_COLOR_DESCR",
    "HAIR_COLOR_CODE",
    "HAIR_COLOR_DESCR",
    "HEIGHT",
    "WEIGHT",
    "SINGLE_SOURCE",
    "MULTI_SOURCE",
    "POB_CODE",
    "POB_NAME",
    "POB_TYPE",
    "CITIZENSHIP_LIST",
    "CYC_SEG_SEP",
    "CYC_ORDER",
    "CYC_DATE",
    "STP_SEG_SEP",
    "STP_ORDER",
    "STP_EVENT_DATE",
    "STP_TYPE_CODE",
    "STP_TYPE_DESCR",
    "STP_ORI_TYPE",
    "STP_ORI_TYPE_DESCR",
    "STP_ORI_CODE",
    "STP_ORI_DESCR",
    "STP_ORI_CNTY_CODE",
    "STP_ORI_CNTY_NAME",
    "CNT_SEG_SEP",
    "CNT_ORDER",
    "DISP_DATE",
    "OFN",
    "OFFENSE_CODE",
    "OFFENSE_DESCR",
    "OFFENSE_TOC",
    "OFFENSE_QUAL_LST",
    "DISP_OFFENSE_CODE",
    "DISP_OFFENSE_DESCR",
    "DISP_OFFENSE_TOC",
    "DISP_OFFENSE_QUAL_LST",
    "CONV_OFFENSE_ORDER",
    "CONV_OFFENSE_CODE",
    "CONV_OFFENSE_DESCR",
    "CONV_OFFENSE_TOC",
    "CONV_OFFENSE_QUAL_LST",
    "FE_NUM_ORDER",
    "FE_NUM_ARR_AGY",
    "FE_NUM_BNCH_WARR",
    "FE_NUM_CITE",
    "FE_NUM_DOCKET",
    "FE_NUM_INCIDENT",
    "FE_NUM_BOOKING",
    "FE_NUM_NUMBER",
    "FE_NUM_REMAND",
    "FE_NUM_OOS_INN",
    "FE_NUM_CRT_CASE",
    "FE_NUM_WARRANT",
    "DISP_ORDER",
    "DISP_CODE",
    "DISP_DESCR",
    "CONV_STAT_CODE",
    "CONV_STAT_DESCR",
    "SENT_SEG_SEP",
    "SENT_ORDER",
    "SENT_LOC_CODE",
    "SENT_LOC_DESCR",
    "SENT_LENGTH",
    "SENT_TIME_CODE",
    "SENT_TIME_DESCR",
    "CYC_AGE",
    "CII_TYPE",
    "CII_TYPE_ALPHA",
    "COMMENT_TEXT",
    "END_OF_REC",
)
WIDTH = len(FIELDS)
if WIDTH != 95:
    raise RuntimeError("the DOJ research file has 95 fields a row")

_AT = {name: index for index, name in enumerate(FIELDS)}
SUBJECT_ID = _AT["SUBJECT_ID"]
PRI_DOB = _AT["PRI_DOB"]
STP_EVENT_DATE = _AT["STP_EVENT_DATE"]
STP_TYPE_DESCR = _AT["STP_TYPE_DESCR"]
STP_ORI_CNTY_NAME = _AT["STP_ORI_CNTY_NAME"]
CNT_ORDER = _AT["CNT_ORDER"]
OFN = _AT["OFN"]
OFFENSE_DESCR = _AT["OFFENSE_DESCR"]
OFFENSE_TOC = _AT["OFFENSE_TOC"]
FE_NUM_CRT_CASE = _AT["FE_NUM_CRT_CASE"]
DISP_DESCR = _AT["DISP_DESCR"]
CONV_STAT_DESCR = _AT["CONV_STAT_DESCR"]
SENT_LENGTH = _AT["SENT_LENGTH"]
SENT_TIME_CODE = _AT["SENT_TIME_CODE"]
COMMENT_TEXT = _AT["COMMENT_TEXT"]

HEADER_START = "RECORD_ID"


def is_header(row: list[str]) -> bool:
    """The optional first row: it starts ``RECORD_ID``."""
    return bool(row) and row[0].strip().upper().startswith(HEADER_START)


def looks_like_doj(row: list[str]) -> bool:
    """A first row in this format: the header, or a record of exactly 95 fields."""
    return is_header(row) or len(row) == WIDTH
