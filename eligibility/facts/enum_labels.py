"""中文 labels of the enum values of the active vocabulary (rule-inventory §8).

The labels are declared with the values, in the `*.facts` files (`enum … { company "公司", … }`);
`ENUM_LABELS` reads them from whichever vocabulary is active (`facts.vocabulary.using`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from eligibility.facts.vocabulary import active


class _ActiveLabels(Mapping[str, str]):
    def __getitem__(self, value: str) -> str:
        return active().enum_labels[value]

    def __iter__(self) -> Iterator[str]:
        return iter(active().enum_labels)

    def __len__(self) -> int:
        return len(active().enum_labels)


ENUM_LABELS: Mapping[str, str] = _ActiveLabels()
