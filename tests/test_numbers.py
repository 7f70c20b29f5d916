"""The two forms of a number: as stored and added up, and as written in words."""

from __future__ import annotations

import numpy as np

from pipeline.core.normalize import clean_text
from pipeline.core.numbers import as_stored, as_written


def test_stored_counts_are_ints_and_amounts_lose_only_float_noise():
    assert as_stored(2.0) == 2 and type(as_stored(2.0)) is int
    assert as_stored(7) == 7 and type(as_stored(7)) is int
    assert as_stored(0.1 + 0.2) == 0.3
    assert as_stored(0.35) == 0.35
    assert as_stored(1234567.1234567) == 1234567.123457
    assert as_stored(0.1 + 0.2 + 0.7) == 1 and type(as_stored(0.1 + 0.2 + 0.7)) is int
    assert type(as_stored(np.float64(3.0))) is int and as_stored(np.int64(4)) == 4


def test_written_numbers_have_no_dot_zero_no_exponent_and_say_the_exact_value():
    assert as_written(2.0) == "2"
    assert as_written(0) == "0"
    assert as_written(1342) == "1342"
    assert as_written(0.35) == "0.35"
    assert as_written(-2.5) == "-2.5"
    assert as_written(1e-05) == "0.00001"
    assert as_written(1e16) == "10000000000000000"
    assert as_written(np.float64(12.0)) == "12"
    assert as_written(0.1 + 0.2) == "0.30000000000000004"  # words never round a cell's value


def test_a_number_cell_read_as_text_is_written_like_a_number():
    assert clean_text(12.0) == "12"
    assert clean_text(0.5) == "0.5"
    assert clean_text(1e-05) == "0.00001"
    assert clean_text(" 12 ") == "12"
