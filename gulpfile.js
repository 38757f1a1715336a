const { src, dest } = require('gulp');

// n8n resolves `file:` icons relative to the compiled files, so the SVGs ship inside dist/.
function buildIcons() {
	const nodeIcons = src('nodes/**/*.{png,svg}').pipe(dest('dist/nodes'));
	const shared = src('icons/**/*.{png,svg}').pipe(dest('dist/icons'));
	return Promise.all([streamDone(nodeIcons), streamDone(shared)]);
}

function streamDone(stream) {
	return new Promise((resolve, reject) => stream.on('finish', resolve).on('error', reject));
}

exports['build:icons'] = buildIcons;
