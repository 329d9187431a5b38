"""POST data for the event form, shared by the form and conflict tests."""


def form_data(
    *,
    actors: list[dict] | None = None,
    citations: list[dict] | None = None,
    remove: list[int] | None = None,
    **fields,
) -> dict:
    """What a browser sends: the event's fields, the actor rows and the new-citation rows."""
    data: dict[str, str | list[str]] = {
        "title": "Min Aung Hlaing visits Moscow",
        "type": "visit",
        "status": "draft",
        "summary": "",
        "location": "",
        "date_text": "",
        "date_start": "",
        "date_end": "",
        "date_precision": "",
        "version": "",
        "reference": "2021-06-24",
        **{k: str(v) for k, v in fields.items()},
    }
    actors = actors or []
    data.update({"actors-TOTAL_FORMS": str(len(actors)), "actors-INITIAL_FORMS": "0"})
    for i, actor in enumerate(actors):
        data.update(
            {
                f"actors-{i}-name": actor.get("name", ""),
                f"actors-{i}-role": actor.get("role", "participant"),
                f"actors-{i}-new_kind": actor.get("new_kind", ""),
                f"actors-{i}-new_aliases": actor.get("new_aliases", ""),
            }
        )
        if actor.get("DELETE"):
            data[f"actors-{i}-DELETE"] = "on"
    citations = citations or []
    data.update({"citations-TOTAL_FORMS": str(len(citations)), "citations-INITIAL_FORMS": "0"})
    for i, citation in enumerate(citations):
        for key in ("source", "quote", "passage", "start", "end", "date_text", "note"):
            data[f"citations-{i}-{key}"] = str(citation.get(key, ""))
    if remove:
        data["remove_citation"] = [str(pk) for pk in remove]
    return data
