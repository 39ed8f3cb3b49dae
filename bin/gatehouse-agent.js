#!/usr/bin/env node
// The compiled agent lives in dist/ (npm run build). This file only points there.
import '../dist/agent/cli.js';
