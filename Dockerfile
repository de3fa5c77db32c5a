# Showgeo: build with the .NET 10 SDK, run on the ASP.NET Core runtime image as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the project file and the central build/package props alone, so the package layer is reused until
# a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY Showgeo.Web/Showgeo.Web.csproj Showgeo.Web/
RUN dotnet restore Showgeo.Web/Showgeo.Web.csproj

# Showgeo.Web/wwwroot is a symlink to ../wwwroot and the migrations are embedded from ../migrations,
# so the whole repository (minus .dockerignore) is copied, not just the project folder.
COPY . .
RUN dotnet publish Showgeo.Web/Showgeo.Web.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
ENV ASPNETCORE_ENVIRONMENT=Production
COPY --from=build /app .
# Mount point of the Render disk for uploaded assets (render.yaml). REVIEW: owned by the app user here so writes work
# where the mount keeps the image's ownership; unverified on Render itself.
RUN mkdir -p /var/data/assets && chown -R $APP_UID /var/data
# The aspnet image defines APP_UID (1654) but does not switch to it.
USER $APP_UID
EXPOSE 8080
# Render injects PORT (10000 by default); fall back to the image's 8080 elsewhere.
ENTRYPOINT ["sh", "-c", "ASPNETCORE_HTTP_PORTS=${PORT:-8080} exec dotnet Showgeo.Web.dll"]
