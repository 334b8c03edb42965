"""dlkg.background: a function in a thread, its value or error taken back by the caller."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from dlkg.background import Background


def test_the_caller_goes_on_while_the_function_runs() -> None:
    # The function can only end once the caller, still running, lets it.
    go = threading.Event()
    call = Background(lambda: go.wait(10) and "ended", name="dlkg-test")
    assert not call.done(0.05)
    go.set()
    assert call.result(10) == "ended"
    assert call.exception() is None


def test_its_error_is_raised_in_the_caller_as_it_was() -> None:
    error = OSError(28, "No space left on device")

    def fail() -> None:
        raise error

    call = Background(fail, name="dlkg-test")
    assert call.exception(10) is error
    with pytest.raises(OSError) as raised:
        call.result()
    assert raised.value is error


def test_arguments_are_passed_through() -> None:
    assert Background(int, "ff", base=16, name="dlkg-test").result(10) == 255


def test_a_wait_past_its_limit_says_so_and_the_call_goes_on() -> None:
    go = threading.Event()
    call = Background(go.wait, 10, name="dlkg-test")
    with pytest.raises(TimeoutError, match="dlkg-test still running after 0.05 s"):
        call.result(0.05)
    go.set()
    assert call.result(10) is True


def test_a_call_given_up_does_not_hold_the_interpreter_exit() -> None:
    # A trickling HTTP answer is given up at its deadline; the process must still end at once.
    script = ("import time; from dlkg.background import Background; "
              "call = Background(time.sleep, 600, name='dlkg-test'); print(call.done(0.1))")
    ended = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (ended.returncode, ended.stdout.strip()) == (0, "False")
