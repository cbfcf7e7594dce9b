"""Reading the config's YAML: PyYAML's safe loader, except that a key given twice is an error.

PyYAML keeps the last of two equal keys in one mapping without a word, so a second ``apps:``
block at the end of a file would silently replace the first one, apps and all. :func:`load_yaml`
refuses that, at any depth, naming the YAML path of the key and both of its lines. YAML's merge
key (``<<: *base`` followed by keys of the mapping's own) is an explicit override and stays
allowed.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ConfigError

_MERGE_TAG = "tag:yaml.org,2002:merge"


class StrictLoader(yaml.SafeLoader):
    """A SafeLoader that records, in ``duplicates``, every key given twice in one mapping.

    The check runs on the composed document, before PyYAML's constructor folds merge keys in
    and drops the earlier of two equal keys. Keys compare as the values they load as, so
    ``true`` and ``yes`` (both the boolean true) are the same key, as they are to PyYAML.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[str] = []

    def construct_document(self, node: Node) -> Any:
        self._check(node, "", set())
        return super().construct_document(node)

    def _check(self, node: Node, path: str, done: set[int]) -> None:
        if id(node) in done:  # an alias of a node already checked
            return
        done.add(id(node))
        if isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                self._check(item, f"{path}[{i}]", done)
        if not isinstance(node, MappingNode):
            return
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node)
            where = f"{path}.{key}" if path else str(key)
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.duplicates.append(
                    f"{where}: given twice (lines {first_line[key]} and {line}); "
                    "a YAML mapping takes each key once"
                )
            else:
                first_line[key] = line
            self._check(value_node, where, done)


def load_yaml(text: str) -> Any:
    """The document in ``text``; ConfigError listing every key given twice (with its lines).

    Syntax errors propagate as :class:`yaml.YAMLError` (the caller adds the file name).
    """
    loader = StrictLoader(text)
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    if loader.duplicates:
        raise ConfigError(loader.duplicates)
    return data
