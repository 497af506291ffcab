// The demo plan's opening text, drawn from the brief in shared/seed/webinar-brief.txt.
// It starts from the SSE template: the same section ids, titles and guidance.
import type { JSONContent } from "@tiptap/core";
import { actionMatrixJSON } from "../app/editor/action-matrix";
import { planTemplate } from "../app/editor/templates";

const text = (value: string, marks?: JSONContent["marks"]): JSONContent => ({ type: "text", text: value, ...(marks ? { marks } : {}) });
const paragraph = (...content: JSONContent[]): JSONContent => ({ type: "paragraph", content });
const heading = (title: string): JSONContent => ({ type: "heading", attrs: { level: 2 }, content: [text(title)] });
const section = (id: string, title: string, ...blocks: JSONContent[]): JSONContent => ({
  type: "section",
  attrs: { id },
  content: [heading(title), ...blocks],
});
const bullets = (...items: string[]): JSONContent => ({
  type: "bulletList",
  content: items.map((item) => ({ type: "listItem", content: [paragraph(text(item))] })),
});
export const DEMO_PLAN_ID = "demo-sse";
export const DEMO_PLAN_TITLE = "National Entrepreneurship Action Plan — Social and Solidarity Economy";
export const DEMO_PLAN_DESCRIPTION =
  "The SSE sections of the action plan under the Presidential Regulation on National Entrepreneurship, drafted by Bappenas and the ILO with partner organisations.";

/** A partner's comment on the passage it marks below, with the ILO's reply (db/seed.ts). */
export const DEMO_THREAD = {
  id: "t-demo-r193",
  sectionId: "s-r193",
  quote: "used by more than 110 member States",
  comment: "Could the plan say which of these reforms Indonesia has already made? Partners would see the gap more easily.",
  reply: "Good point. We will add a short note on Indonesia's own reforms under this section.",
};

export const demoPlanContent: JSONContent = {
  type: "doc",
  content: [
    section(
      "s-concept",
      "1. The SSE concept and Indonesian practice",
      paragraph(
        text(
          "While the term Social and Solidarity Economy (SSE) is not yet well known in Indonesia, its core principles are captured by terms and practices rooted in Indonesian culture. ",
        ),
        text("Gotong royong", [{ type: "italic" }]),
        text(" (working together) relates to the principles of solidarity and cooperation."),
      ),
      paragraph(
        text(
          "This section sets out how the action plan understands SSE, and how cooperatives, social enterprises, mutual associations and community-based organisations fit within it.",
        ),
      ),
    ),
    section(
      "s-r193",
      "2. Alignment with ILO Recommendation No. 193",
      paragraph(
        text(
          "The ILO's activities on cooperatives and wider SSE enterprises are guided by the international standard on cooperatives, the ",
        ),
        text("Promotion of Cooperatives Recommendation, 2002 (No. 193)", [{ type: "bold" }]),
        text(". The Recommendation has been "),
        text("used by more than 110 member States", [{ type: "comment", attrs: { threadId: DEMO_THREAD.id } }]),
        text(" since its adoption to reform cooperative policies and legislation."),
      ),
    ),
    section(
      "s-regulation",
      "3. Regulatory aspects: existing and incoming",
      paragraph(
        text(
          "Bappenas, the ILO, Bina Swadaya Foundation and the ASEAN SSE Council agree to anchor the SSE concept in the Presidential Regulation on National Entrepreneurship, and to provide input to its action plan, in particular on social enterprise and SSE.",
        ),
      ),
      bullets(
        "Existing law on cooperatives and on micro, small and medium enterprises.",
        "The incoming Presidential Regulation on National Entrepreneurship and its action plan.",
      ),
    ),
    section(
      "s-enterprises",
      "4. Social enterprises and cooperatives beyond the traditional model",
      paragraph(
        text(
          "Social enterprises and other types of cooperatives outside the traditional understanding of cooperatives are part of the SSE; the plan recognises them and the support they need.",
        ),
      ),
    ),
    section(
      "s-mapping",
      "5. Lessons from the six-country SSE policy mapping",
      paragraph(
        text(
          "The ILO project on Strengthening Social and Solidarity Economy Policy in Asia (2019–2021), funded by the Ministry of Employment and Labour of the Republic of Korea, mapped SSE policy in six countries:",
        ),
      ),
      bullets("Japan", "Republic of Korea", "China", "Malaysia", "the Philippines", "Indonesia"),
    ),
    section(
      "s-actions",
      "6. Action matrix",
      paragraph(text("The actions the plan commits to, with who leads each and how progress is measured.")),
      actionMatrixJSON([
        [
          "SSE awareness",
          "National webinar on SSE and the entrepreneurship programme",
          "Webinar held; proceedings published",
          "Participants from ministries and partners",
          "0",
          "150 participants",
          "2026 Q1",
          "Bappenas",
          "ILO; Bina Swadaya",
        ],
        [
          "Policy alignment",
          "Review cooperative regulation against ILO R193",
          "Gap analysis report",
          "Report endorsed by the working group",
          "None",
          "1 report",
          "2026 Q2",
          "Ministry of Cooperatives and SMEs",
          "ILO",
        ],
        [
          "Regional learning",
          "Study exchange with the Korea Social Enterprise Promotion Agency",
          "Exchange report with recommendations",
          "Recommendations adopted in the action plan",
          "0",
          "5 recommendations",
          "2026 Q3",
          "Bappenas",
          "KoSEA; ASEAN SSE Council",
        ],
      ]),
    ),
  ],
};

export const demoPlanGuidance = planTemplate("sse")!.guidance;
