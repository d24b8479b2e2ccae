// Shows PNG bytes (ArrayBuffer from the socket) through a Blob URL that is revoked when the
// bytes change or the image unmounts; plain URLs (REST history) are used as they are.
import { useEffect, useState } from 'react';
import type { ImageSource } from './types';

export function useImageUrl(src: ImageSource | null | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!src) {
      setUrl(null);
      return;
    }
    if (typeof src === 'string') {
      setUrl(src || null);
      return;
    }
    const bytes =
      src instanceof ArrayBuffer ? src : new Uint8Array(src.buffer, src.byteOffset, src.byteLength).slice().buffer;
    const u = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [src]);
  return url;
}

interface Props {
  src: ImageSource | null | undefined;
  alt: string;
  className?: string;
  testId?: string;
  pixelated?: boolean;
  width?: number;
}

export function PngImage({ src, alt, className, testId, pixelated = true, width }: Props) {
  const url = useImageUrl(src);
  if (!url) return null;
  return (
    <img
      src={url}
      alt={alt}
      className={className}
      data-testid={testId}
      width={width}
      style={pixelated ? { imageRendering: 'pixelated' } : undefined}
    />
  );
}
