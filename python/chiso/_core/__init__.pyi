"""
chiso compiled core: models, evaluation, assessment, analysis
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
from . import assessment
from . import analysis
from . import sensitivity
from . import ranking
from . import replications
__all__: list[str] = ['Evaluation', 'Model', 'analysis', 'assessment', 'column_map', 'evaluate', 'ranking', 'replications', 'sensitivity']
class Model:
    """
    A validated, compiled model. Build with from_json or load.
    """
    __hash__: typing.ClassVar[None] = None
    @staticmethod
    def from_json(text: str) -> Model:
        """
        Parse and validate a model from JSON text.
        """
    def require_scorable(self) -> None:
        """
        Raises ModelError model.composite for a composite index (its indicators are normalised by the pipeline).
        """
    @property
    def composite(self) -> bool:
        """
        True for a composite index (its leaves are `indicator`s).
        """
    @staticmethod
    def load(path: str) -> Model:
        """
        Read and validate a model file.
        """
    def __eq__(self, arg0: Model) -> bool:
        ...
    def describe(self, id: str) -> str:
        """
        A node in words (chiso::describe_node).
        """
    def nodes(self) -> list:
        """
        One record per node, in file order (a parent before its children).
        """
    def to_json(self) -> str:
        """
        The model as JSON text (lossless).
        """
    @property
    def bands(self) -> list[tuple[float, str]]:
        ...
    @property
    def description(self) -> str:
        ...
    @property
    def id(self) -> str:
        ...
    @property
    def input_columns(self) -> list[str]:
        """
        Input columns in order: "<leaf id>", or "<leaf id>.<input>" for named inputs.
        """
    @property
    def leaf_ids(self) -> list[str]:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def plan_node_ids(self) -> list[str]:
        """
        Node ids in evaluation order (children before parents, the root last).
        """
    @property
    def rank_by(self) -> str:
        ...
    @property
    def scale(self) -> float:
        ...
class Evaluation:
    def __getstate__(self) -> tuple: ...
    def losses(self, model: Model, unit_row: int) -> dict:
        """
        Why the unit of this row lost points (chiso::criterion_losses).
        """
    def __setstate__(self, state: tuple) -> None: ...
    @property
    def band(self) -> numpy.ndarray:
        ...
    @property
    def index(self) -> numpy.ndarray:
        ...
    @property
    def input_address(self) -> int:
        ...
    @property
    def kept_inputs_address(self) -> int:
        ...
    @property
    def nodes_scored(self) -> bool:
        """
        Whether the kept nodes' points, max and score are scored yet (they are when first read).
        """
    @property
    def percent_typed_as_fraction(self) -> tuple[str, ...]:
        """
        Percent-rate input columns whose values all lie in [0, 1], not only 0 and 1.
        """
    @property
    def max(self) -> numpy.ndarray:
        """
        units × kept nodes (a view of the result's memory)
        """
    @property
    def node_ids(self) -> list[str]:
        ...
    @property
    def points(self) -> numpy.ndarray:
        """
        units × kept nodes (a view of the result's memory)
        """
    @property
    def rank(self) -> numpy.ndarray:
        ...
    @property
    def raw_index(self) -> numpy.ndarray:
        ...
    @property
    def score(self) -> numpy.ndarray:
        """
        units × kept nodes (a view of the result's memory)
        """
def evaluate(model: Model, values: typing.Any, applicable: numpy.ndarray | None = None, groups: typing.Annotated[numpy.typing.ArrayLike, numpy.int32] | None = None, columns: typing.Annotated[numpy.typing.ArrayLike, numpy.int64] | None = None, unit_names: typing.Any = None, keep: str = 'all', threads: typing.SupportsInt | typing.SupportsIndex = 0, applicable_columns: typing.Annotated[numpy.typing.ArrayLike, numpy.int64] | None = None, inputs_are_chisos: bool = False) -> Evaluation:
    """
    Scores units × input columns (NaN = missing) with a compiled model. `values` is a 2-D array
    (its column for input column i is columns[i], default i) or a list of 1-D arrays, one per
    input column in order (float64 and float32 ones are read without copying). `applicable` is units × leaves
    with its own column map: leaf j is its column applicable_columns[j], default j (leaf order),
    whatever the layout of the inputs. `inputs_are_chisos`: `values` is an array the caller made
    (a conversion) and will not change: the nodes of many units are scored from it, not a copy.
    """
def column_map(wanted: collections.abc.Sequence[str], names: collections.abc.Sequence[str], table: str) -> list[int]:
    """
    The position in `names` of each of `wanted` (chiso::column_map): columns are matched by name,
    those not wanted are ignored; a wanted name absent or given twice is a DataError naming it.
    """
def first_text_problem(offsets: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], data: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8]) -> tuple[int, str] | None:
    """
    The first text (row, what is wrong) that chiso refuses (detail/text_check.hpp), or None.
    """
def code_labels(values: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """
    A 1-D numpy column of labels (objects, text, integers, booleans, floats) coded by first
    appearance: (int32 codes, int64 row of each code's first appearance). None and NaN are
    missing (-1); objects are equal as Python says. An unhashable label raises TypeError.
    """
def code_arrow_texts(offsets: numpy.ndarray, data: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], validity: typing.Any, bit_offset: typing.SupportsInt | typing.SupportsIndex) -> tuple[numpy.ndarray, numpy.ndarray]:
    """
    Arrow strings (offsets, UTF-8 bytes, validity bitmap or None, its bit offset) coded by first
    appearance: (int32 codes, int64 row of each code's first appearance); a null is -1.
    """
def remap_codes(codes: numpy.ndarray, order: typing.Annotated[numpy.typing.ArrayLike, numpy.int32]) -> int:
    """
    codes[row] = order[codes[row]] in place (-1 stays -1); the first row without a label, or -1.
    """
def first_label_problem(labels: numpy.ndarray) -> tuple[int, str] | None:
    """
    The first str (row, what is wrong) of a 1-D object array that chiso refuses
    (detail/text_check.hpp), or None; cells that are not str pass.
    """
__version__: str
max_model_json_nesting: int
