import { describe, expect, it } from "vitest";
import { firstVariant, graphHasChoices, markerSize, markerText, parseMarker } from "./choices";
import type { GraphDoc } from "../types";

describe("choice markers", () => {
  it("parses choice lists and ranges and writes them back", () => {
    expect(parseMarker("16 | 32|64")).toEqual({ $choice: [16, 32, 64] });
    expect(parseMarker("relu|tanh")).toEqual({ $choice: ["relu", "tanh"] });
    expect(parseMarker("[3,3] | [5,5]")).toEqual({ $choice: [[3, 3], [5, 5]] });
    expect(parseMarker("0.1..0.5")).toEqual({ $range: [0.1, 0.5] });
    expect(parseMarker("0.0001 .. 0.1 log")).toEqual({ $range: [0.0001, 0.1], log: true });
    expect(markerText({ $choice: [16, "same", [3, 3]] })).toBe('16 | same | [3,3]');
    expect(markerText({ $range: [0.1, 0.5], log: true })).toBe("0.1 .. 0.5 log");
  });

  it("refuses bad text with a message", () => {
    expect(() => parseMarker("0.5..0.1")).toThrow("low < high");
    expect(() => parseMarker("0..1 log")).toThrow("low > 0");
    expect(() => parseMarker("8|8")).toThrow("twice");
    expect(() => parseMarker("8|")).toThrow("empty");
  });

  it("sizes", () => {
    expect(markerSize({ $choice: [1, 2, 3] })).toBe(3);
    expect(markerSize({ $range: [1, 4] })).toBe(4);
    expect(markerSize({ $range: [0.1, 0.5] })).toBeNull();
  });

  it("the first variant is a plain graph", () => {
    const doc = {
      format: "akid.graph/v1",
      nodes: [{ id: "c", type: "Conv2D", params: { filters: { $choice: [8, 16] }, kernel_size: 3 } }],
      edges: [],
    } as unknown as GraphDoc;
    expect(graphHasChoices(doc)).toBe(true);
    const plain = firstVariant(doc);
    expect(plain.nodes[0].params).toEqual({ filters: 8, kernel_size: 3 });
    expect(graphHasChoices(plain)).toBe(false);
    expect(firstVariant(plain)).toBe(plain);
  });
});
