// Plan templates: a starting document and guidance for the drafters of each section.
// The SSE template follows the brief (shared/seed/webinar-brief.txt).
import type { JSONContent } from "@tiptap/core";
import { fallbackLanguage, type Language } from "../i18n/config";
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

/** The SSE template's sections, their titles and guidance in each interface language. */
export const SSE_SECTIONS: { id: string; title: Record<Language, string>; guidance: Record<Language, string> }[] = [
  {
    id: "s-concept",
    title: {
      en: "1. The SSE concept and Indonesian practice",
      id: "1. Konsep ESS dan praktiknya di Indonesia",
    },
    guidance: {
      en: "Define the Social and Solidarity Economy for this plan and connect it to Indonesian practice: gotong royong, cooperatives, community enterprises. Say which organisations the plan counts as SSE.",
      id: "Rumuskan pengertian Ekonomi Sosial dan Solidaritas (ESS) untuk rencana ini dan kaitkan dengan praktik di Indonesia: gotong royong, koperasi, usaha komunitas. Sebutkan organisasi mana saja yang dihitung rencana ini sebagai ESS.",
    },
  },
  {
    id: "s-r193",
    title: {
      en: "2. Alignment with ILO Recommendation No. 193",
      id: "2. Keselarasan dengan Rekomendasi ILO No. 193",
    },
    guidance: {
      en: "Show how the plan follows the Promotion of Cooperatives Recommendation, 2002 (No. 193): autonomy of cooperatives, a supportive legal framework, equal treatment with other enterprises.",
      id: "Tunjukkan bagaimana rencana ini mengikuti Rekomendasi tentang Promosi Koperasi, 2002 (No. 193): kemandirian koperasi, kerangka hukum yang mendukung, dan perlakuan yang setara dengan badan usaha lain.",
    },
  },
  {
    id: "s-regulation",
    title: {
      en: "3. Regulatory aspects: existing and incoming",
      id: "3. Aspek regulasi: yang berlaku dan yang akan datang",
    },
    guidance: {
      en: "List the laws and regulations in force that touch SSE organisations, and what the Presidential Regulation on National Entrepreneurship and its action plan change or add.",
      id: "Daftarkan peraturan perundang-undangan yang berlaku dan menyangkut organisasi ESS, serta apa yang diubah atau ditambahkan oleh Peraturan Presiden tentang Kewirausahaan Nasional dan rencana aksinya.",
    },
  },
  {
    id: "s-enterprises",
    title: {
      en: "4. Social enterprises and cooperatives beyond the traditional model",
      id: "4. Usaha sosial dan koperasi di luar model tradisional",
    },
    guidance: {
      en: "Describe social enterprises and newer forms of cooperatives (platform, worker, multi-stakeholder) that fall outside the traditional understanding, and what support they need.",
      id: "Uraikan usaha sosial dan bentuk koperasi yang lebih baru (koperasi platform, koperasi pekerja, koperasi multipihak) yang berada di luar pemahaman tradisional, serta dukungan yang mereka butuhkan.",
    },
  },
  {
    id: "s-mapping",
    title: {
      en: "5. Lessons from the six-country SSE policy mapping",
      id: "5. Pelajaran dari pemetaan kebijakan ESS di enam negara",
    },
    guidance: {
      en: "Draw lessons from the ILO mapping of SSE policy in Japan, the Republic of Korea, China, Malaysia, the Philippines and Indonesia: what worked, what Indonesia can adopt.",
      id: "Tarik pelajaran dari pemetaan kebijakan ESS oleh ILO di Jepang, Republik Korea, Tiongkok, Malaysia, Filipina, dan Indonesia: apa yang berhasil dan apa yang dapat diterapkan Indonesia.",
    },
  },
  {
    id: "s-actions",
    title: {
      en: "6. Action matrix",
      id: "6. Matriks aksi",
    },
    guidance: {
      en: "One row per action: programme, activity, output, indicator, baseline, target, timeline, the responsible institution and the supporting ones. Each row should be measurable.",
      id: "Satu baris untuk setiap aksi: program, kegiatan, keluaran, indikator, nilai dasar, target, jadwal, lembaga penanggung jawab, dan lembaga pendukung. Setiap baris harus dapat diukur.",
    },
  },
];

/** A template's starting document and guidance, in `language` (the creator's interface
 * language); null for a blank plan. */
export function planTemplate(templateId: TemplateId, language: Language = fallbackLanguage): PlanTemplate | null {
  if (templateId !== "sse") return null;
  return {
    content: {
      type: "doc",
      content: SSE_SECTIONS.map((section) =>
        sectionJSON(
          section.id,
          section.title[language],
          section.id === "s-actions" ? [{ type: "paragraph" }, actionMatrixJSON()] : [{ type: "paragraph" }],
        ),
      ),
    },
    guidance: Object.fromEntries(SSE_SECTIONS.map((section) => [section.id, section.guidance[language]])),
  };
}
