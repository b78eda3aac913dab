from os import PathLike
from typing import Any, Iterable, Literal, Mapping, TypedDict

Item = str | Mapping[str, Any]

class ClaimexError(Exception): ...
class ClaimexWarning(UserWarning): ...

class DocumentClaims(TypedDict):
    claims: list[dict[str, Any]]
    record: dict[str, Any]
    text: str | None

class Pipeline:
    def __init__(
        self,
        model: str | PathLike[str] | None = None,
        threads: int | None = None,
        batch_size: int = 32,
        int8: bool = False,
        method: Literal["auto", "rules", "tree"] = "auto",
        skip_duplicates: bool = True,
    ) -> None: ...
    @property
    def model_id(self) -> str: ...
    @property
    def method(self) -> str: ...
    def extract(self, items: Iterable[Item]) -> list[dict[str, Any]]: ...
    def extract_documents(self, items: Iterable[Item]) -> list[DocumentClaims]: ...
    def extract_entities(self, items: Iterable[Item]) -> list[list[dict[str, Any]]]: ...
    def extract_arrow(self, table: Any) -> Any:
        """pyarrow.Table in (a `text` column), pyarrow.Table of claims out."""
