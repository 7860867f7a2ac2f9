"""The outbound texting settings: defaults, and a wrong value stopping the app with a message."""

from __future__ import annotations

import pytest

from bot.web.config import ConfigError, from_environment


def test_quiet_hours_and_the_send_rate_have_the_documented_defaults(tmp_path):
    config = from_environment(tmp_path, env={})
    assert (config["QUIET_HOURS"], config["TWILIO_SEND_RATE"]) == ("21:00-08:00", 1.0)
    assert from_environment(tmp_path, env={"QUIET_HOURS": ""})["QUIET_HOURS"] == ""


@pytest.mark.parametrize(
    ("name", "value"),
    [("QUIET_HOURS", "9pm-8am"), ("QUIET_HOURS", "08:00-08:00"), ("TWILIO_SEND_RATE", "fast"),
     ("TWILIO_SEND_RATE", "0")],
)  # fmt: skip
def test_a_wrong_setting_stops_the_app_naming_it(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        from_environment(tmp_path, env={name: value})
