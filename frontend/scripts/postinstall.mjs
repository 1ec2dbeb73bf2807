// node_modules is no Go code of ours: a go.mod there makes `go ./...` patterns skip it.
import { writeFileSync } from 'node:fs';
writeFileSync('node_modules/go.mod', 'module ignore/node_modules\n');
