// A plan document (ProseMirror JSON in the editor's schema) as plain React elements, for the
// print view: every piece of user text is a React text node, so nothing in it becomes markup.
import type { JSONContent } from "@tiptap/core";
import { Fragment, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ACTION_COLUMNS } from "../editor/action-matrix";
import { isSafeLinkUrl } from "../editor/extensions";
import type { SectionStatus } from "../models/roles";
import { STATUS_LABEL_KEYS } from "./Outline";

export interface PrintSectionDetail {
  id: string;
  status: SectionStatus;
  lead: string | null;
}

export function PrintDocument({ doc, details }: { doc: JSONContent; details: PrintSectionDetail[] }) {
  const { t } = useTranslation();
  const detailsById = new Map(details.map((detail) => [detail.id, detail]));
  const columnLabels = ACTION_COLUMNS.map((column) => t(`actions.columns.${column}`));
  return (
    <>
      {(doc.content ?? []).map((section, index) => {
        if (section.type !== "section") return null;
        const [heading, ...blocks] = section.content ?? [];
        const detail = detailsById.get(String(section.attrs?.id ?? ""));
        return (
          <section key={index} className="print-section">
            <h2>{heading ? children(heading, columnLabels) : null}</h2>
            {detail ? (
              <p className="print-section-details">
                {t("exports.sectionDetails", { lead: detail.lead ?? t("section.noLead"), status: t(STATUS_LABEL_KEYS[detail.status]) })}
              </p>
            ) : null}
            {blocks.map((block, blockIndex) => renderNode(block, blockIndex, columnLabels))}
          </section>
        );
      })}
    </>
  );
}

function children(node: JSONContent, columnLabels: string[]): ReactNode[] {
  return (node.content ?? []).map((child, index) => renderNode(child, index, columnLabels));
}

function renderNode(node: JSONContent, key: number, columnLabels: string[]): ReactNode {
  const inner = () => children(node, columnLabels);
  switch (node.type) {
    case "text":
      return renderText(node, key);
    case "hardBreak":
      return <br key={key} />;
    case "paragraph":
      // Empty paragraphs are the editor's placeholders; on paper they are only gaps.
      return node.content?.length ? <p key={key}>{inner()}</p> : null;
    case "heading": {
      const level = Math.min(4, Math.max(2, Number(node.attrs?.level ?? 2)));
      const Heading = `h${level + 1}` as "h3" | "h4" | "h5";
      return node.content?.length ? <Heading key={key}>{inner()}</Heading> : null;
    }
    case "bulletList":
      return <ul key={key}>{inner()}</ul>;
    case "orderedList":
      return (
        <ol key={key} start={Number(node.attrs?.start ?? 1)}>
          {inner()}
        </ol>
      );
    case "listItem":
      return <li key={key}>{inner()}</li>;
    case "blockquote":
      return <blockquote key={key}>{inner()}</blockquote>;
    case "horizontalRule":
      return <hr key={key} />;
    case "table":
      return <Table key={key} table={node} columnLabels={columnLabels} />;
    case "actionMatrix":
      return (
        <table key={key} className="print-action-matrix">
          <thead>
            <tr>
              {columnLabels.map((label) => (
                <th key={label} scope="col">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{inner()}</tbody>
        </table>
      );
    case "actionRow":
      return <tr key={key}>{inner()}</tr>;
    case "actionCell":
      return <td key={key}>{inner()}</td>;
    default:
      return <span key={key}>{inner()}</span>;
  }
}

/** A table; its leading rows of header cells repeat on every printed page. */
function Table({ table, columnLabels }: { table: JSONContent; columnLabels: string[] }) {
  const rows = table.content ?? [];
  const isHeaderRow = (row: JSONContent) =>
    (row.content ?? []).length > 0 && (row.content ?? []).every((cell) => cell.type === "tableHeader");
  const headerCount = rows.findIndex((row) => !isHeaderRow(row));
  const split = headerCount === -1 ? rows.length : headerCount;
  const renderRow = (row: JSONContent, index: number) => (
    <tr key={index}>
      {(row.content ?? []).map((cell, cellIndex) => {
        const Cell = cell.type === "tableHeader" ? "th" : "td";
        const colSpan = Number(cell.attrs?.colspan ?? 1);
        const rowSpan = Number(cell.attrs?.rowspan ?? 1);
        return (
          <Cell key={cellIndex} colSpan={colSpan > 1 ? colSpan : undefined} rowSpan={rowSpan > 1 ? rowSpan : undefined}>
            {children(cell, columnLabels)}
          </Cell>
        );
      })}
    </tr>
  );
  return (
    <table>
      {split > 0 ? <thead>{rows.slice(0, split).map(renderRow)}</thead> : null}
      <tbody>{rows.slice(split).map((row, index) => renderRow(row, split + index))}</tbody>
    </table>
  );
}

function renderText(node: JSONContent, key: number): ReactNode {
  let element: ReactNode = node.text ?? "";
  // Innermost first, so a link wraps its bold or italic text.
  const marks = [...(node.marks ?? [])].sort((a, b) => MARK_DEPTH.indexOf(b.type) - MARK_DEPTH.indexOf(a.type));
  for (const mark of marks) {
    switch (mark.type) {
      case "bold":
        element = <strong>{element}</strong>;
        break;
      case "italic":
        element = <em>{element}</em>;
        break;
      case "strike":
        element = <s>{element}</s>;
        break;
      case "underline":
        element = <u>{element}</u>;
        break;
      case "code":
        element = <code>{element}</code>;
        break;
      case "link": {
        const href = String(mark.attrs?.href ?? "");
        if (isSafeLinkUrl(href)) {
          element = (
            <a href={href} rel="noopener noreferrer nofollow">
              {element}
            </a>
          );
        }
        break;
      }
    }
  }
  return <Fragment key={key}>{element}</Fragment>;
}

/** Outermost first. */
const MARK_DEPTH = ["link", "bold", "italic", "strike", "underline", "code"];
