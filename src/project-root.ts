import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, found from here whether we run from src/ (tsx) or dist/src/. */
export const projectRoot: string = (() => {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'schemas'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('project root not found');
    dir = up;
  }
})();
