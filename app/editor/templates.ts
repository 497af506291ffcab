// Plan templates: a starting document and guidance for the drafters of each section.
// The SSE template follows the brief (shared/seed/webinar-brief.txt).
import type { JSONContent } from "@tiptap/core";
import { actionMatrixJSON } from "./action-matrix";

export interface PlanTemplate {
  content: JSONContent;
  /** Guidance for drafters, by section id (kept beside the text, not in it). */
  guidance: Record<string, string>;
}

export const TEMPLATE_IDS = ["blank", "sse"] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export function sectionJSON(id: string, title: string, blocks: JSONContent[] = [{ type: "paragraph" }]): JSONContent {
  return {
    type: "section",
    attrs: { id },
    content: [{ type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: title }] }, ...blocks],
  };
}

export const SSE_SECTIONS: { id: string; title: string; guidance: string }[] = [
  {
    id: "s-concept",
    title: "1. The SSE concept and Indonesian practice",
    guidance:
      "Define the Social and Solidarity Economy for this plan and connect it to Indonesian practice: gotong royong, cooperatives, community enterprises. Say which organisations the plan counts as SSE.",
  },
  {
    id: "s-r193",
    title: "2. Alignment with ILO Recommendation No. 193",
    guidance:
      "Show how the plan follows the Promotion of Cooperatives Recommendation, 2002 (No. 193): autonomy of cooperatives, a supportive legal framework, equal treatment with other enterprises.",
  },
  {
    id: "s-regulation",
    title: "3. Regulatory aspects: existing and incoming",
    guidance:
      "List the laws and regulations in force that touch SSE organisations, and what the Presidential Regulation on National Entrepreneurship and its action plan change or add.",
  },
  {
    id: "s-enterprises",
    title: "4. Social enterprises and cooperatives beyond the traditional model",
    guidance:
      "Describe social enterprises and newer forms of cooperatives (platform, worker, multi-stakeholder) that fall outside the traditional understanding, and what support they need.",
  },
  {
    id: "s-mapping",
    title: "5. Lessons from the six-country SSE policy mapping",
    guidance:
      "Draw lessons from the ILO mapping of SSE policy in Japan, the Republic of Korea, China, Malaysia, the Philippines and Indonesia: what worked, what Indonesia can adopt.",
  },
  {
    id: "s-actions",
    title: "6. Action matrix",
    guidance:
      "One row per action: programme, activity, output, indicator, baseline, target, timeline, the responsible institution and the supporting ones. Each row should be measurable.",
  },
];

export function planTemplate(templateId: TemplateId): PlanTemplate | null {
  if (templateId !== "sse") return null;
  return {
    content: {
      type: "doc",
      content: SSE_SECTIONS.map((section) =>
        sectionJSON(
          section.id,
          section.title,
          section.id === "s-actions" ? [{ type: "paragraph" }, actionMatrixJSON()] : [{ type: "paragraph" }],
        ),
      ),
    },
    guidance: Object.fromEntries(SSE_SECTIONS.map((section) => [section.id, section.guidance])),
  };
}
