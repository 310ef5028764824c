"""`frozen.frozen_record`: the value semantics of a frozen, slotted dataclass without generating
code per class, and the dataclass introspection (`fields`, `replace`, `is_dataclass`) that the
compiler, the cache codec and these tests use on the IR and the Datalog program."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.datalog import program as dl
from eligibility.frozen import field_names, frozen_record, is_record, replace
from eligibility.ir import nodes as ir


@frozen_record
class Pair:
    """Two values, the second optional."""

    left: object
    right: object = "default"

    def swapped(self) -> Pair:
        return Pair(self.right, self.left)


@dataclasses.dataclass(frozen=True, slots=True)
class DataclassPair:
    left: object
    right: object = "default"


values = st.one_of(st.integers(), st.text(max_size=5), st.booleans(), st.none())


@given(values, values, values, values)
def test_equality_and_hash_follow_a_frozen_dataclass(
    a: object, b: object, c: object, d: object
) -> None:
    records, reference = (Pair(a, b), Pair(c, d)), (DataclassPair(a, b), DataclassPair(c, d))
    assert (records[0] == records[1]) == (reference[0] == reference[1])
    if records[0] == records[1]:
        assert hash(records[0]) == hash(records[1])
    assert hash(Pair(a, b)) == hash(DataclassPair(a, b))  # the hash of the fields' tuple
    assert repr(Pair(a, b)) == repr(DataclassPair(a, b)).replace("DataclassPair", "Pair")


def test_construction_by_position_keyword_and_default() -> None:
    assert Pair(1) == Pair(1, "default") == Pair(left=1) == Pair(right="default", left=1)
    assert Pair(1, 2).swapped() == Pair(2, 1)
    with pytest.raises(TypeError, match="missing required argument 'left'"):
        Pair()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'middle'"):
        Pair(1, middle=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values"):
        Pair(1, left=2)  # type: ignore[misc]
    with pytest.raises(TypeError, match="takes 2 arguments"):
        Pair(1, 2, 3)  # type: ignore[call-arg]


def test_records_are_immutable_and_have_no_instance_dict() -> None:
    pair = Pair(1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pair.left = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del pair.left  # type: ignore[misc]
    assert not hasattr(pair, "__dict__")
    assert Pair.__slots__ == ("left", "right")  # type: ignore[attr-defined]


def test_values_of_different_record_classes_are_never_equal() -> None:
    # Const(False) and Var would be equal as tuples; records compare their class first
    assert dl.Const("A") != dl.Var("A")
    assert dl.Const(False) == dl.Const(Decimal(0))  # Python's own bool/Decimal equality, as before


def test_match_by_position() -> None:
    match dl.Rule(dl.Atom("p", (dl.Var("A"),)), ()):
        case dl.Rule(dl.Atom(predicate, _), body):
            assert (predicate, body) == ("p", ())
        case _:
            pytest.fail("no match")


def test_dataclass_introspection_works_on_records() -> None:
    assert is_record(ir.Policy) and not is_record(DataclassPair)
    assert dataclasses.is_dataclass(Pair) and dataclasses.is_dataclass(Pair(1))
    assert [f.name for f in dataclasses.fields(Pair)] == ["left", "right"]
    assert dataclasses.fields(Pair)[1].default == "default"
    assert field_names(dl.Aggregate) == tuple(f.name for f in dataclasses.fields(dl.Aggregate))
    assert dataclasses.replace(Pair(1, 2), right=3) == Pair(1, 3)
    assert Pair.__dataclass_params__.frozen  # type: ignore[attr-defined]


@frozen_record
class Triple:
    a: object
    b: object
    c: object = 0


def test_replace_is_dataclasses_replace_without_building_dataclass_fields() -> None:
    assert replace(Pair(1, 2), right=3) == Pair(1, 3) == dataclasses.replace(Pair(1, 2), right=3)
    assert replace(Triple(1, 2), a=5, c=7) == Triple(5, 2, 7)
    assert replace(Triple(1, 2)) == Triple(1, 2)
    assert not isinstance(vars(Triple)["__dataclass_fields__"], dict)  # never built
    with pytest.raises(TypeError, match="unexpected fields"):
        replace(Triple(1, 2), d=4)
    assert replace(DataclassPair(1, 2), right=3) == DataclassPair(1, 3)  # a dataclass: delegated


def test_pickling_round_trips() -> None:  # mutation testing's worker processes pickle results
    rule = dl.Rule(dl.Atom("p", (dl.Var("A"), dl.Const(Decimal("1.50")))), ())
    assert pickle.loads(pickle.dumps(rule)) == rule


def test_unsupported_declarations_are_refused() -> None:
    with pytest.raises(TypeError, match="follows one with a default"):

        @frozen_record
        class Late:
            first: int = 0
            second: int

    with pytest.raises(TypeError, match="field"):

        @frozen_record
        class WithField:
            items: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="cannot extend"):

        @frozen_record
        class Sub(Pair):
            extra: int
