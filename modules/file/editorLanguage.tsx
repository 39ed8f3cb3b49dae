import { useEffect, useState } from 'react';
import { languages } from '@codemirror/language-data';
import type { Extension } from '@uiw/react-codemirror';

type LanguageDescription = (typeof languages)[number];

/** The language for a file name: exact file-name patterns first (Dockerfile, nginx.conf), then the extension. */
function findLanguage(fileName: string): LanguageDescription | undefined {
  const byName = languages.find((language) => language.filename?.test(fileName));
  if (byName) return byName;
  const extension = /\.([^.]+)$/.exec(fileName.toLowerCase())?.[1];
  if (!extension) return undefined;
  return languages.find((language) => language.extensions.includes(extension));
}

/**
 * Syntax highlighting for a file, loaded on demand (each language is its own chunk).
 * undefined while loading, null for plain text.
 */
export function useLanguage(fileName: string): Extension | null | undefined {
  const [language, setLanguage] = useState<Extension | null | undefined>(undefined);
  useEffect(() => {
    const description = findLanguage(fileName);
    if (!description) {
      setLanguage(null);
      return;
    }
    let current = true;
    setLanguage(undefined);
    description
      .load()
      .then((support) => current && setLanguage(support))
      .catch(() => current && setLanguage(null));
    return () => {
      current = false;
    };
  }, [fileName]);
  return language;
}
