"""Vietnamese dates as Vietnamese write them, day first: 01/12/2023 is 1 December 2023.

Django's own "vi" locale sets no input formats, so it falls back to the American month-first ones
(01/12/2023 read as 12 January, 15/12/2023 refused). Django reads this module before its own locale's
(settings.FORMAT_MODULE_PATH): what is not set here (numbers) still comes from Django's "vi".
"""

# The first is how every date box, ours and the admin's (its calendar too), shows a date.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
