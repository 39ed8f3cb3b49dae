#!/usr/bin/env node
// The compiled console lives in dist/ (npm run build). This file only points there.
import '../dist/console/server/cli.js';
