// R17 A letter to the party as a PDF (A4, Chinese): rendered on request from what the letter says,
// fixed when it was issued (activities/letters.ts), so the same letter always reads the same.
// The font is Debian's fonts-wqy-microhei (the Dockerfile and `npm start` install it); LETTER_FONT
// names another. Without one the route answers 503 naming the package, never a PDF of boxes.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { shanghaiDateOf } from '../../domain/dates';

/** Keep in step with scripts/letter-tools.mjs. */
const FONTS: { path: string; family: string }[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
];

export function letterFont(env: NodeJS.ProcessEnv = process.env): { path: string; family?: string } | null {
  if (env.LETTER_FONT) return existsSync(env.LETTER_FONT) ? { path: env.LETTER_FONT, family: env.LETTER_FONT_FAMILY } : null;
  return FONTS.find((f) => existsSync(f.path)) ?? null;
}

interface Party { kind: string; name: string; code: string | null }
interface Agency { id: string | null; name: string }

/** What a letter says (activities/letters.ts determinationContent and answerContent). */
export interface LetterContent {
  title: string;
  party: Party;
  basis: { documentNumber: string; issuer: string; issuedOn: string; penalty?: string | null; field?: string | null };
  measures?: { code: string; name: string; period: string }[];
  objection?: string;
  repair?: string;
  decision?: { outcome: string; reason: string; next: string };
  decidedOn?: string;
  issuer: Agency;
  deliveredBy: Agency;
}

export interface LetterForPdf {
  letterId: string;
  issuedAt: Date;
  content: LetterContent;
}

const dateZh = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

/** The PDF's bytes. */
export function renderLetter(letter: LetterForPdf, font: { path: string; family?: string }): Promise<Buffer> {
  const c = letter.content;
  const doc = new PDFDocument({
    size: 'A4', margins: { top: 72, bottom: 72, left: 80, right: 80 },
    // Fixed from the letter, so one letter is one file, byte for byte.
    info: { Title: c.title, Author: c.issuer.name, Subject: letter.letterId, CreationDate: letter.issuedAt, ModDate: letter.issuedAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('zh', font.path, font.family);
  doc.font('zh');

  doc.fontSize(20).text(c.title, { align: 'center' }).moveDown(0.5);
  doc.fontSize(10).fillColor('#555').text(`文书编号：${letter.letterId}`, { align: 'center' }).fillColor('#000').moveDown(1.2);

  const codeLabel = c.party.kind === 'enterprise' ? '统一社会信用代码' : '身份证件号码';
  doc.fontSize(12).text(`${c.party.name}${c.party.code ? `（${codeLabel}：${c.party.code}）` : ''}：`).moveDown(0.6);
  const para = (t: string) => doc.text(t, { indent: 24, lineGap: 4, align: 'justify' }).moveDown(0.5);

  const b = c.basis;
  if (c.decision) {
    para(`关于${b.issuer}${b.documentNumber}（${dateZh(b.issuedOn)}）认定事项，本机关经核查，作出如下决定：`);
    para(`处理结果：${c.decision.outcome}。`);
    para(`理由：${c.decision.reason}`);
    if (c.decision.next) para(c.decision.next);
  } else {
    const penalty = b.penalty ? `，处罚种类为${b.penalty}` : '';
    const field = b.field ? `（${b.field.endsWith('领域') ? b.field : `${b.field}领域`}）` : '';
    para(`依据${b.issuer}${b.documentNumber}（${dateZh(b.issuedOn)}）${field}${penalty}，你（单位）被认定为失信联合惩戒对象，将依法对你（单位）实施下列惩戒措施：`);
    for (const [i, m] of (c.measures ?? []).entries()) para(`${i + 1}. ${m.name}（${m.code}），期限：${m.period}。`);
    if (c.objection) para(`异议：${c.objection}`);
    if (c.repair) para(`信用修复：${c.repair}`);
  }

  doc.moveDown(2);
  doc.text(c.issuer.name, { align: 'right' });
  doc.text(dateZh(c.decidedOn ?? shanghaiDateOf(letter.issuedAt)), { align: 'right' }).moveDown(1.5);
  doc.fontSize(10).fillColor('#555').text(`送达机关：${c.deliveredBy.name}`);
  doc.end();
  return done;
}
