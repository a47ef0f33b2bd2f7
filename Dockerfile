# gongkai web service: a static binary on a small non-root image.
#   docker build -t gongkai .
#   docker run -p 8080:8080 -v gongkai-index:/data gongkai
# On an empty /data volume it indexes the sample corpus embedded in the
# binary (cmd/gongkai/sample) before it reports ready; `docker ps` shows
# the health that `gongkai healthcheck` reads from /readyz.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/gongkai ./cmd/gongkai \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/gongkai /usr/local/bin/gongkai
# The index volume belongs to the nonroot user (uid 65532) of the image.
COPY --from=build --chown=65532:65532 /out/data /data
ENV GONGKAI_INDEX=/data/index
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
# The image has no shell or curl: the binary checks its own /readyz. The
# start period covers indexing the sample on a fresh volume.
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 \
  CMD ["/usr/local/bin/gongkai", "healthcheck", "--addr", "127.0.0.1:8080"]
ENTRYPOINT ["/usr/local/bin/gongkai"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
