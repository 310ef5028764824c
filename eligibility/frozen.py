"""Frozen records: the value classes passed between the pipeline's stages, cheap to create.

`@dataclass(frozen=True, slots=True)` writes six or seven methods for each class as Python source
and compiles them (`exec`): about 1 ms a class, and a cold `check` created ~70 such classes at
import, a quarter of its CPU time. `@frozen_record` gives the same value semantics with methods
shared by every record class, so a class costs what `type()` costs:

- `__slots__` holding the annotated fields, in declaration order; `__match_args__` the same, so
  `case Rule(head, body)` works;
- construction by position or keyword, with constant defaults, as a dataclass's `__init__`;
- immutable: assigning or deleting any attribute raises `dataclasses.FrozenInstanceError`;
- equality between instances of the same class, field by field, and the hash of the fields'
  tuple (a dataclass's own rules); a repr `Name(field=value, …)`; pickling, for worker processes.

`dataclasses.is_dataclass`, `fields` and `replace` keep working on records (`frozen.replace` does
what the last does without that cost, and is what the check path uses): the first look at
`__dataclass_fields__` (or `__dataclass_params__`) takes them from a throwaway frozen dataclass of
the same annotations (the 1 ms, paid only by whoever introspects: compiling, tests). Type checkers see a frozen dataclass
(`dataclass_transform`). Limits, checked: fields are plain annotations, a default is a constant
given in the class body (no `field()`, `ClassVar` or `InitVar`), and a record class inherits from
no other record class.
"""

from __future__ import annotations

import dataclasses
import inspect  # imported by dataclasses anyway
import operator
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

_Class = TypeVar("_Class", bound=type)
_Record = TypeVar("_Record")


@dataclass_transform(frozen_default=True)
def frozen_record(cls: _Class) -> _Class:
    """The class rebuilt as a frozen record (see the module docstring)."""
    annotations = inspect.get_annotations(cls)  # the class's own, as written (strings)
    names = tuple(annotations)
    for name, annotation in annotations.items():
        if "ClassVar" in str(annotation) or "InitVar" in str(annotation):
            raise TypeError(f"{cls.__name__}.{name}: a record has instance fields only")
    if any(is_record(base) for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__name__}: a record class cannot extend another")
    defaults = {name: cls.__dict__[name] for name in names if name in cls.__dict__}
    first_default = next((i for i, name in enumerate(names) if name in defaults), len(names))
    if any(name not in defaults for name in names[first_default:]):
        raise TypeError(f"{cls.__name__}: a field without a default follows one with a default")
    if any(isinstance(value, dataclasses.Field) for value in defaults.values()):
        raise TypeError(f"{cls.__name__}: field() is not supported; give a constant default")
    namespace = {
        key: value
        for key, value in cls.__dict__.items()
        if key not in names and key not in ("__dict__", "__weakref__")
    }
    namespace.update(
        __slots__=names,
        __match_args__=names,
        _record_fields=names,
        _record_defaults=defaults,
        _record_values=staticmethod(_values_getter(names)),
        __repr__=_repr,
        __eq__=_eq,
        __hash__=_hash,
        __setattr__=_setattr,
        __delattr__=_delattr,
        __getstate__=_getstate,
        __setstate__=_setstate,
        __dataclass_fields__=_FromShadowDataclass("__dataclass_fields__"),
        __dataclass_params__=_FromShadowDataclass("__dataclass_params__"),
    )
    record = type(cls)(cls.__name__, cls.__bases__, namespace)
    record.__qualname__ = cls.__qualname__
    record.__init__ = _initializer(record, names)  # type: ignore[misc]
    return record


def is_record(cls: type) -> bool:
    """Whether `cls` was made by `frozen_record` (without building its dataclass fields)."""
    return "_record_fields" in vars(cls)


def field_names(cls: type) -> tuple[str, ...]:
    """A record class's fields, in declaration order."""
    names: tuple[str, ...] = vars(cls)["_record_fields"]
    return names


def replace(obj: _Record, /, **changes: Any) -> _Record:
    """`obj` with `changes`, as `dataclasses.replace`: for a record without building its
    dataclass fields (the ~1 ms `dataclasses.replace` would pay per class on first use, on every
    check's path); anything else (a dataclass) goes to `dataclasses.replace`."""
    cls = type(obj)
    if not is_record(cls):
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    names: tuple[str, ...] = vars(cls)["_record_fields"]
    unknown = changes.keys() - set(names)
    if unknown:
        raise TypeError(f"{cls.__qualname__}.replace() got unexpected fields {sorted(unknown)}")
    values = obj._record_values(obj)  # type: ignore[attr-defined]
    fields = zip(names, values, strict=True)
    return cls(*[changes.get(n, v) for n, v in fields])


def _values_getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a record's field values as a tuple (attrgetter runs in C)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        get_one = operator.attrgetter(names[0])
        return lambda record: (get_one(record),)
    return lambda record: ()


_set = object.__setattr__


def _initializer(record: type, names: tuple[str, ...]) -> Callable[..., None]:
    """The class's `__init__`: a closure over its slots' setters, so that the common call (every
    field by position: decoding the cache builds ~10,000 records) sets them directly."""
    setters = tuple(vars(record)[name].__set__ for name in names)
    count = len(names)
    if count == 2:  # a ground fact (predicate, args): a bank's 10,000 pledges make 300,000
        first, second = setters

        def init_two(self: Any, *args: Any, **kwargs: Any) -> None:
            if not kwargs and len(args) == 2:
                first(self, args[0])
                second(self, args[1])
                return
            _bind(self, args, kwargs)

        return init_two
    if count == 3:  # an applicant's fact (field, value, path), a proof's shown value
        first, second, third = setters

        def init_three(self: Any, *args: Any, **kwargs: Any) -> None:
            if not kwargs and len(args) == 3:
                first(self, args[0])
                second(self, args[1])
                third(self, args[2])
                return
            _bind(self, args, kwargs)

        return init_three

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if not kwargs and len(args) == count:
            for setter, value in zip(setters, args):  # noqa: B905 - lengths checked above
                setter(self, value)
            return
        _bind(self, args, kwargs)

    return __init__


def _bind(self: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Construction with keywords or defaults, as a dataclass's `__init__` binds them."""
    names: tuple[str, ...] = self._record_fields
    kind = type(self).__qualname__
    if len(args) > len(names):
        raise TypeError(f"{kind}() takes {len(names)} arguments but {len(args)} were given")
    defaults = self._record_defaults
    for name, value in zip(names, args, strict=False):
        if name in kwargs:
            raise TypeError(f"{kind}() got multiple values for argument {name!r}")
        _set(self, name, value)
    for name in names[len(args) :]:
        if name in kwargs:
            _set(self, name, kwargs.pop(name))
        elif name in defaults:
            _set(self, name, defaults[name])
        else:
            raise TypeError(f"{kind}() missing required argument {name!r}")
    if kwargs:
        raise TypeError(f"{kind}() got an unexpected keyword argument {next(iter(kwargs))!r}")


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._record_fields)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return self._record_values(self) == self._record_values(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._record_values(self))


def _setattr(self: Any, name: str, value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    return list(self._record_values(self))


def _setstate(self: Any, state: list[Any]) -> None:
    for name, value in zip(self._record_fields, state, strict=True):
        _set(self, name, value)


class _FromShadowDataclass:
    """`__dataclass_fields__` or `__dataclass_params__`, taken on first use from a frozen dataclass
    of the same annotations and defaults, then stored on the class in place of this descriptor."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def __get__(self, instance: object, owner: type) -> Any:
        names = field_names(owner)
        body: dict[str, Any] = {"__annotations__": {n: owner.__annotations__[n] for n in names}}
        body.update(owner._record_defaults)  # type: ignore[attr-defined]
        shadow: Any = dataclasses.dataclass(frozen=True)(type(owner.__name__, (), body))
        for attribute in ("__dataclass_fields__", "__dataclass_params__"):
            type.__setattr__(owner, attribute, getattr(shadow, attribute))
        return getattr(shadow, self.attribute)
