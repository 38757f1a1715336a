'use strict';
/**
 * A single-provider package's README, cut from the repository's README.md so the text is written
 * once: the install steps for that package, then the README's sections with every block that is
 * about another provider left out (a `### <other provider> (...)` subsection, a table row whose
 * first cell is another provider's title and the rows continuing it, a paragraph or list item
 * naming another provider). Links into the README that the cut lost point at the full README.
 */

/** Sections of README.md that go into a provider's README, in this order. */
const SECTIONS = ['Credentials', 'Operations', 'How the token stays fresh', 'Using the credentials in the HTTP Request node', 'Errors and recovery', 'Compatibility', 'License'];
/** The section that says which package to install; its "Never side by side" paragraph is reused. */
const WHICH_PACKAGE = 'Which package to install';

const mentions = (title) => new RegExp(`${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z])`);

/** README.md → { preamble, sections: Map<title, lines[]> } (## headings outside code fences). */
function splitSections(markdown) {
	const sections = new Map();
	let current = { title: '', lines: [] };
	const preamble = current.lines;
	let fenced = false;
	for (const line of markdown.split('\n')) {
		if (/^```/.test(line)) fenced = !fenced;
		const h = !fenced && /^## (.+)$/.exec(line);
		if (h) {
			current = { title: h[1].trim(), lines: [] };
			sections.set(current.title, current.lines);
		} else current.lines.push(line);
	}
	return { preamble, sections };
}

/** Lines → blocks: fenced code, ### subsection (up to the next ###), table, list item, paragraph. */
function blocks(lines) {
	const out = [];
	let i = 0;
	while (i < lines.length) {
		const line = lines[i];
		if (line.trim() === '') {
			i++;
			continue;
		}
		let end = i + 1;
		let kind = 'paragraph';
		if (/^```/.test(line)) {
			kind = 'code';
			while (end < lines.length && !/^```/.test(lines[end])) end++;
			end++;
		} else if (/^### /.test(line)) {
			kind = 'subsection';
			while (end < lines.length && !/^### /.test(lines[end])) end++;
		} else if (/^\|/.test(line)) {
			kind = 'table';
			while (end < lines.length && /^\|/.test(lines[end])) end++;
		} else if (/^[-*] /.test(line)) {
			kind = 'item';
			while (end < lines.length && /^\s+\S/.test(lines[end])) end++;
		} else {
			while (end < lines.length && lines[end].trim() !== '' && !/^(```|### |\||[-*] )/.test(lines[end])) end++;
		}
		out.push({ kind, lines: lines.slice(i, end) });
		i = end;
	}
	return out;
}

function trimEnd(lines) {
	let end = lines.length;
	while (end > 0 && lines[end - 1].trim() === '') end--;
	return lines.slice(0, end);
}

/** Keeps a table's header and the rows of this provider (a row with an empty first cell continues the one above). */
function tableRows(lines, provider, others) {
	const firstCell = (row) => row.split('|')[1].trim();
	const isProviderTable = lines.slice(2).some((row) => others.some((o) => firstCell(row) === o.title));
	if (!isProviderTable) return lines.filter((row, i) => i < 2 || !others.some((o) => mentions(o.stem).test(row)));
	const kept = lines.slice(0, 2);
	let owner = null;
	for (const row of lines.slice(2)) {
		if (firstCell(row) !== '') owner = firstCell(row);
		if (owner === provider.title) kept.push(row);
	}
	return kept.length > 2 ? kept : [];
}

/**
 * A paragraph or list item without what names another provider: first its parentheses that do,
 * then its sentences that do. Nothing is left when only a bold lead-in would remain.
 */
function withoutMentions(lines, others) {
	const names = (t) => others.some((o) => mentions(o.stem).test(t));
	if (!names(lines.join('\n'))) return lines;
	const [, bullet = ''] = /^([-*] )?/.exec(lines[0]);
	const flat = lines.join(' ').slice(bullet.length).replace(/\s+/g, ' ');
	const unbracketed = flat.replace(/ ?\([^()]*\)/g, (p) => (names(p) ? '' : p));
	const sentences = unbracketed.split(/(?<=[.!?:]\*{0,2}) (?=[A-Z*`])/).filter((x) => !names(x));
	const rest = sentences.join(' ');
	if (!rest.replace(/^\*\*[^*]+\*\*/, '').trim()) return [];
	return [bullet + rest];
}

function filterSection(lines, provider, others) {
	const kept = [];
	for (const block of blocks(lines)) {
		let text = block.lines;
		if (block.kind === 'table') text = tableRows(text, provider, others);
		else if (block.kind === 'subsection') {
			text = block.lines[0].startsWith(`### ${provider.title} (`) ? trimEnd(text) : [];
		} else if (block.kind !== 'code') text = withoutMentions(text, others);
		if (!text.length) continue;
		// consecutive list items stay one list
		const joinsList = block.kind === 'item' && kept.length && kept[kept.length - 1].kind === 'item';
		kept.push({ kind: block.kind, text: text.join('\n'), joinsList });
	}
	return kept.map((b, i) => (i === 0 ? '' : b.joinsList ? '\n' : '\n\n') + b.text).join('');
}

/** The "Which package" table: { [title]: { packageName, nodeType, credType } }. */
function packageTable(lines) {
	const table = blocks(lines).find((b) => b.kind === 'table');
	const rows = {};
	for (const row of table ? table.lines.slice(2) : []) {
		const [title, packageName, nodeType, credType] = row
			.split('|')
			.slice(1, 5)
			.map((c) => c.trim().replace(/`/g, ''));
		rows[title] = { packageName, nodeType, credType };
	}
	return rows;
}

const slug = (heading) =>
	heading
		.toLowerCase()
		.replace(/[^\w\- ]/g, '')
		.replace(/ /g, '-');

/** Relative links → the repository; #anchors this README lacks → the full README's. */
function fixLinks(markdown, repoWeb) {
	const anchors = new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
	return markdown.replace(/\]\(([^)\s]+)\)/g, (all, target) => {
		if (/^[a-z]+:/i.test(target)) return all;
		if (target.startsWith('#')) return anchors.has(target.slice(1)) ? all : `](${repoWeb}${target})`;
		return `](${repoWeb}/tree/main/${target.replace(/^\.\//, '')})`;
	});
}

/**
 * @param {string} markdown  the repository's README.md
 * @param {object} root      the all-in-one package.json
 * @param {object} provider  an entry of providers.js
 * @param {object[]} all     every entry of providers.js
 */
function providerReadme(markdown, root, provider, all) {
	const others = all.filter((p) => p !== provider);
	const { sections } = splitSections(markdown);
	const missing = [...SECTIONS, WHICH_PACKAGE].filter((s) => !sections.has(s));
	if (missing.length) throw new Error(`README.md has no section(s) ${missing.join(', ')}: the single-provider READMEs are cut from them`);
	const sideBySide = blocks(sections.get(WHICH_PACKAGE)).find((b) => /^\*\*Never side by side/.test(b.lines[0]));
	if (!sideBySide) throw new Error(`README.md's "${WHICH_PACKAGE}" section lost its "**Never side by side**" paragraph`);
	const names = packageTable(sections.get(WHICH_PACKAGE));
	let warning = sideBySide.lines.join('\n');
	// its example names this provider's types (README.md shows one provider's)
	for (const other of others.map((o) => names[o.title]).filter(Boolean)) {
		const own = names[provider.title];
		const otherNode = other.nodeType.split('.').pop();
		warning = warning
			.split(other.nodeType)
			.join(own.nodeType)
			.split(`${root.name}.${otherNode}`)
			.join(`${root.name}.${own.nodeType.split('.').pop()}`)
			.split(other.credType)
			.join(own.credType);
	}
	const repoWeb = root.homepage.replace(/#.*$/, '');
	const name = provider.packageName;
	const parts = [
		`# ${name}`,
		`n8n community node and credential for **${provider.title}**. The credential logs in by itself, knows when its token expires, renews it before it does, and shares one login between every item and every execution that needs it. This is the single-provider build of [${root.name}](${repoWeb}), which bundles five token-based APIs; both are built from the same source.`,
		'## Installation',
		`**In n8n (self-hosted):** *Settings → Community Nodes → Install*, enter \`${name}\`, confirm.\n\n**On n8n Cloud:** once n8n has verified \`${name}\`, search for *${provider.title}* in the nodes panel and install it from there.\n\n**With npm** (e.g. in a Docker image), in n8n's user folder:\n\n\`\`\`bash\nmkdir -p ~/.n8n/nodes && cd ~/.n8n/nodes\nnpm install ${name}\n# restart n8n\n\`\`\``,
		warning,
	];
	for (const title of SECTIONS) {
		const body = filterSection(sections.get(title), provider, others);
		if (body.trim()) parts.push(`## ${title}`, body);
	}
	return `${fixLinks(parts.join('\n\n'), repoWeb)}\n`;
}

module.exports = { providerReadme, splitSections, packageTable, SECTIONS, WHICH_PACKAGE, mentions };
