import { describe, expect, it } from "vitest";
import { emptyView, filterFromView, isFiltered, searchFromView, viewFromSearch } from "./contactView";

describe("contact list view <-> URL <-> filter", () => {
  it("round-trips through the URL and leaves defaults out", () => {
    const view = emptyView();
    expect(searchFromView(view)).toBe("");
    view.q = "ana";
    view.filters.platform = ["whatsapp", "web"];
    view.filters.tags = ["vip"];
    view.owner = "7";
    view.sort = "name";
    const search = searchFromView(view);
    expect(search).toBe("?q=ana&platform=whatsapp%2Cweb&tags=vip&owner=7&sort=name");
    expect(viewFromSearch(search)).toEqual(view);
  });

  it("ignores an unknown sort, blank and repeated values", () => {
    const view = viewFromSearch("?sort=password&status=new,,new, won&q=%20%20");
    expect(view.sort).toBe("-last_active");
    expect(view.filters.status).toEqual(["new", "won"]);
    expect(view.q).toBe("");
    expect(isFiltered(view)).toBe(true);
  });

  it("builds the API filter the list, bulk and export share", () => {
    const view = viewFromSearch("?q=x&purchase_intent=ready_to_buy&tags=a,b&owner=none&segment=3");
    expect(filterFromView(view)).toEqual({
      all: [
        { field: "q", op: "search", value: "x" },
        { field: "purchase_intent", op: "in", value: ["ready_to_buy"] },
        { field: "tags", op: "any", value: ["a", "b"] },
        { field: "owner_id", op: "exists", value: false },
        { field: "segment", op: "eq", value: 3 },
      ],
    });
    expect(isFiltered(emptyView())).toBe(false);
  });
});
