// Plan content the unit tests build documents from.

/** Two sections, "Financing" and "Markets", each a heading and one paragraph. */
export const twoSectionPlan = {
  type: "doc",
  content: [
    {
      type: "section",
      attrs: { id: "s-one" },
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Financing" }] },
        { type: "paragraph", content: [{ type: "text", text: "Cooperatives need patient capital from public banks to grow." }] },
      ],
    },
    {
      type: "section",
      attrs: { id: "s-two" },
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Markets" }] },
        { type: "paragraph", content: [{ type: "text", text: "Public procurement should reserve a share." }] },
      ],
    },
  ],
};
