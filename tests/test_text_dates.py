"""Text and date rules staff rely on."""

from datetime import date

import pytest

from cchc.content.dates import DateError, format_date, format_datetime, parse_bound, parse_datetime
import unicodedata

from cchc.content.text import address_slug, fold, nfc, slugify


def test_slugs_are_ascii_without_diacritics_and_d_bar_becomes_d():
    assert slugify("Đường dây nóng: Cải cách thủ tục!") == "duong-day-nong-cai-cach-thu-tuc"
    assert slugify("Quý II/2021 — Hải Hậu") == "quy-ii-2021-hai-hau"


@pytest.mark.parametrize("title, limit, expected", [
    ("Đường dây nóng 1022", 80, "duong-day-nong-1022"),                      # short: the whole slug
    ("một hai ba bốn", 11, "mot-hai-ba"),                                     # cut before the word that does not fit
    ("một hai ba bốn", 10, "mot-hai-ba"),                                     # a word ending exactly at the limit stays
    ("một hai ba bốn", 9, "mot-hai"),
    ("Thủtụchànhchínhmộtcửaliênthông", 10, "thutuchanh"),                     # one long word: cut inside it
    ("Ủy ban " * 40, 80, "uy-ban-" * 11 + "uy"),                               # 79 characters: "-ban" would make 83
])
def test_a_new_items_address_is_cut_between_words(title, limit, expected):
    assert address_slug(title, limit) == expected
    assert len(address_slug(title, limit)) <= limit


def test_nfd_and_nfc_fold_to_the_same_text():
    decomposed = unicodedata.normalize("NFD", "Cải cách thủ tục")
    assert decomposed != "Cải cách thủ tục"
    assert nfc(decomposed) == "Cải cách thủ tục"
    assert fold(decomposed) == fold("Cải cách thủ tục") == "cai cach thu tuc"


@pytest.mark.parametrize("text, expected", [
    ("2023-03-15", "2023-03-15T00:00:00+07:00"),
    ("2023-03-15 08:30", "2023-03-15T08:30:00+07:00"),
    ("2023-03-15T08:30:00Z", "2023-03-15T15:30:00+07:00"),
    ("15/03/2023", "2023-03-15T00:00:00+07:00"),
    ("5/3/2023 7:05", "2023-03-05T07:05:00+07:00"),
    ("08:30 15/03/2023", "2023-03-15T08:30:00+07:00"),
])
def test_iso_and_vietnamese_dates_are_read_in_vietnam_time(text, expected):
    assert parse_datetime(text).isoformat() == expected


@pytest.mark.parametrize("text", ["15.03.2023", "March 15, 2023", "03/15/2023", "31/02/2023", "2023/03/15", "hôm qua"])
def test_other_date_forms_are_rejected(text):
    with pytest.raises(DateError):
        parse_datetime(text)


def test_period_bounds_accept_months_quarters_and_years():
    assert parse_bound("Tháng 12/2020", end=False) == date(2020, 12, 1)
    assert parse_bound("Tháng 02/2024", end=True) == date(2024, 2, 29)
    assert parse_bound("Quý II/2021", end=False) == date(2021, 4, 1)
    assert parse_bound("Quý III/2021", end=True) == date(2021, 9, 30)
    assert parse_bound(2021, end=True) == date(2021, 12, 31)


def test_one_display_format_for_dates():
    moment = parse_datetime("2023-03-05 07:05")
    assert format_date(moment) == "05/03/2023"
    assert format_datetime(moment) == "07:05, 05/03/2023"
