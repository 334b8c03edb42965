"""OWL reasoning with HermiT: the defined classes' members, worked out by hand from Table 14.1."""

from __future__ import annotations

import pytest

from dlkg import rdf
from dlkg.reason import infer
from dlkg.stores.oxigraph import packaged_files
from tests.conftest import run_dlkg

DLKG = "https://w3id.org/dlkg/ontology#"
RES = "https://w3id.org/dlkg/resource/"

# From the 支持平台, 支持接口 and capability columns and the section 14.2 bullets:
EXPECTED = {
    # runs on Android or iOS
    "MobileFramework": {"Deeplearning4j", "MXNet", "Torch"},
    # runs on AWS
    "CloudFramework": {"MXNet"},
    # runs on JavaScript
    "BrowserFramework": {"MXNet"},
    # Python among the interfaces
    "PythonFramework": {"Caffe", "Deeplearning4j", "Keras", "MXNet", "TensorFlow", "Theano", "PyTorch"},
    # 自动求导 支持
    "AutodiffFramework": {"Deeplearning4j", "Keras", "TensorFlow", "Theano", "PyTorch"},
    # 单机多卡并行 支持 (Keras's conditional cell and Theano's 不支持 excluded)
    "MultiGPUFramework": {"Caffe", "Deeplearning4j", "MXNet", "MatConvNet", "TensorFlow", "Torch", "PyTorch"},
    # 14.2.2: 提供商业支持
    "CommerciallySupportedFramework": {"Deeplearning4j"},
}


@pytest.fixture(scope="module")
def inferred():
    members: dict[str, set[str]] = {}
    for triple in infer(rdf.read_quads(packaged_files())):
        members.setdefault(triple.object.value.removeprefix(DLKG), set()).add(triple.subject.value.removeprefix(RES))
    return members


@pytest.mark.parametrize("defined_class", sorted(EXPECTED))
def test_defined_class_members(inferred, defined_class):
    assert inferred.get(defined_class, set()) == EXPECTED[defined_class]


def test_only_defined_class_memberships_are_new(inferred):
    assert set(inferred) == set(EXPECTED)


def test_cli_reason_lists_mobile_frameworks():
    done = run_dlkg("reason", "--format", "nt")
    assert done.returncode == 0, done.stderr
    mobile = sorted(line.split()[0] for line in done.stdout.splitlines() if line.endswith(f"<{DLKG}MobileFramework> ."))
    assert mobile == [f"<{RES}Deeplearning4j>", f"<{RES}MXNet>", f"<{RES}Torch>"]
