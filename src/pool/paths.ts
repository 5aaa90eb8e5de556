/** File names as a person writes them in a profile: a leading `~` is the home folder (libpq does the same for its defaults). */
import * as os from 'node:os';
import * as path from 'node:path';

export function expandHome(file: string, home: string = os.homedir()): string {
  return file === '~' || file.startsWith('~/') ? path.join(home, file.slice(1)) : file;
}
